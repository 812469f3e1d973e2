using System.Net;
using System.Net.Http.Headers;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Memories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// What a download serves, checked the same way on both storages (a folder, chunks in the database).
internal static class ExportDownloads
{
    // Memories straight into the database, enough to make a file of several small chunks.
    public static async Task SeedMemoriesAsync(this MemsolusAppFactory app, ApiSession session, int count)
    {
        var now = app.Clock.GetUtcNow();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        db.Memories.AddRange(Enumerable.Range(1, count).Select(i => new Memory
        {
            Id = Guid.NewGuid(),
            OwnerId = session.Owner.UserId,
            Environment = ApiKeyEnvironment.Live,
            Content = $"memory {i}: some text to fill the file",
            SearchText = $"memory {i}",
            CreatedAt = now,
            UpdatedAt = now,
        }));
        await db.SaveChangesAsync();
    }

    // The bytes the export's file must hold: its content written again, into memory.
    public static async Task<byte[]> ExpectedContentAsync(this MemsolusAppFactory app, Guid id)
    {
        var job = await app.ExportJobAsync(id);
        using var content = new MemoryStream();
        await app.Services.GetRequiredService<ExportContentWriter>().WriteAsync(job, content, CancellationToken.None);
        return content.ToArray();
    }

    public static async Task<ExportJob> ExportJobAsync(this MemsolusAppFactory app, Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.ExportJobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    public static async Task<List<ExportChunk>> ExportChunksAsync(this MemsolusAppFactory app, Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var sequence = (await app.ExportJobAsync(id)).Sequence;
        return await db.ExportChunks.AsNoTracking().Where(c => c.JobSequence == sequence).OrderBy(c => c.Attempt).ThenBy(c => c.Index).ToListAsync();
    }

    public static async Task<HttpResponseMessage> DownloadRangeAsync(this ApiSession session, Guid id, string range, string? ifRange = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exports/{id}/download");
        request.Headers.TryAddWithoutValidation("Range", range);
        if (ifRange is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        }

        return await session.Client.SendAsync(request);
    }

    // Whole, single ranges (one that crosses the 256-byte mark, a suffix), an unsatisfiable range
    // and If-Range, against the expected bytes.
    public static async Task AssertServesAsync(this ApiSession session, Guid id, byte[] expected)
    {
        var length = expected.Length;
        Assert.True(length > 600, $"The file is {length} bytes; the ranges below want more than 600.");

        using var whole = await session.DownloadExportAsync(id);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(expected, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        var etag = whole.Headers.ETag?.ToString();
        Assert.NotNull(etag);

        await AssertRangeAsync(session, id, "bytes=10-99", expected, 10, 99);
        await AssertRangeAsync(session, id, "bytes=200-300", expected, 200, 300);
        await AssertRangeAsync(session, id, "bytes=-50", expected, length - 50, length - 1);
        await AssertRangeAsync(session, id, $"bytes={length - 5}-{length + 100}", expected, length - 5, length - 1);

        using var unsatisfiable = await session.DownloadRangeAsync(id, $"bytes={length}-");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
        Assert.Equal(new ContentRangeHeaderValue(length), unsatisfiable.Content.Headers.ContentRange);
        // As the OpenAPI document declares it: no body.
        Assert.Empty(await unsatisfiable.Content.ReadAsByteArrayAsync());

        // If-Range: the range when the file is the one the client has, the whole file when not.
        using var sameFile = await session.DownloadRangeAsync(id, "bytes=0-9", etag);
        Assert.Equal(HttpStatusCode.PartialContent, sameFile.StatusCode);
        using var otherFile = await session.DownloadRangeAsync(id, "bytes=0-9", "\"another-file\"");
        Assert.Equal(HttpStatusCode.OK, otherFile.StatusCode);
        Assert.Equal(expected, await otherFile.Content.ReadAsByteArrayAsync());
    }

    private static async Task AssertRangeAsync(ApiSession session, Guid id, string range, byte[] expected, int from, int to)
    {
        using var response = await session.DownloadRangeAsync(id, range);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(new ContentRangeHeaderValue(from, to, expected.Length), response.Content.Headers.ContentRange);
        Assert.Equal(expected[from..(to + 1)], await response.Content.ReadAsByteArrayAsync());
    }
}
