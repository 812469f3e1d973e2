using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Webhooks;

namespace Memsolus.Dashboard.Tests.Ingestion;

// Calls to the ingestion API as a client makes them.
internal static class IngestClient
{
    public static async Task<HttpResponseMessage> UploadAsync(this ApiSession session, params (string Name, string Text)[] files) =>
        await session.UploadBytesAsync(files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Text))).ToArray());

    public static async Task<HttpResponseMessage> UploadBytesAsync(this ApiSession session, params (string Name, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new("application/octet-stream");
            form.Add(part, "files", name);
        }

        return await session.Client.PostAsync("/api/v1/ingest/files", form);
    }

    public static Task<HttpResponseMessage> SubmitUrlAsync(this ApiSession session, string url) =>
        session.Client.PostAsJsonAsync("/api/v1/ingest/urls", new { url });

    // The 202 answer: the queued job, whose Location serves it.
    public static async Task<Guid> AcceptedJobIdAsync(HttpResponseMessage response)
    {
        var job = await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted);
        var id = job.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/ingest/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", job.GetProperty("status").GetString());
        return id;
    }

    // Submits, waits for the worker to finish the job, and answers the job as GET shows it.
    public static async Task<JsonElement> FinishedJobAsync(this ApiSession session, MemsolusAppFactory app, HttpResponseMessage submitted)
    {
        var id = await AcceptedJobIdAsync(submitted);
        await app.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.IngestCompleted && e.Data is IngestJobDto job && job.Id == id);
        return await session.GetJsonAsync($"/api/v1/ingest/jobs/{id}");
    }

    public static List<(string Item, int? Line, string Message)> Errors(JsonElement job) =>
        job.GetProperty("errors").EnumerateArray()
            .Select(e => (
                e.GetProperty("item").GetString()!,
                e.GetProperty("line").ValueKind == JsonValueKind.Null ? (int?)null : e.GetProperty("line").GetInt32(),
                e.GetProperty("message").GetString()!))
            .ToList();

    public static int Count(JsonElement job, string property) => job.GetProperty(property).GetInt32();
}
