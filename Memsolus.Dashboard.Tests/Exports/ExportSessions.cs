using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Webhooks;

namespace Memsolus.Dashboard.Tests.Exports;

// What an API client does with exports: start one, wait for it, read it, download it.
internal static class ExportSessions
{
    public static async Task<JsonElement> StartExportAsync(this ApiSession session, object? body = null)
    {
        using var response = await session.PostExportAsync(body);
        var job = await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal($"/api/v1/exports/{job.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        return job;
    }

    public static Task<HttpResponseMessage> PostExportAsync(this ApiSession session, object? body) =>
        body is null
            ? session.Client.PostAsync("/api/v1/exports", content: null)
            : session.Client.PostAsJsonAsync("/api/v1/exports", body, ApiSession.Json);

    public static Task<JsonElement> GetExportAsync(this ApiSession session, Guid id) =>
        session.GetJsonAsync($"/api/v1/exports/{id}");

    public static Task<HttpResponseMessage> DownloadExportAsync(this ApiSession session, Guid id) =>
        session.Client.GetAsync($"/api/v1/exports/{id}/download");

    // Waits for the real worker to announce the export, then reads it as the client sees it.
    public static async Task<JsonElement> WaitForExportAsync(this ApiSession session, MemsolusAppFactory app, Guid id)
    {
        await app.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.ExportCompleted && e.Data is ExportDto job && job.Id == id);
        return await session.GetExportAsync(id);
    }

    public static Guid Id(this JsonElement json) => json.GetProperty("id").GetGuid();

    public static string? Text(this JsonElement json, string property) => json.GetProperty(property).GetString();
}
