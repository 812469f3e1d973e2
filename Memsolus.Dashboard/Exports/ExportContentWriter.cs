using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Memsolus.Dashboard.Exports;

// Writes an export's contents: the same memory and knowledge shapes, with the same JSON options,
// as the API answers (the round-trip tests compare each item with the API's answer, and
// ExportFormatTests pins the bytes). Each item is written once, straight from its row, by a
// Utf8JsonWriter into a buffer that goes to the stream with an awaited write whenever it holds
// FlushBytes, so the stream never sees a synchronous write and memory stays about a page of rows
// plus one buffer whatever the export's size. Rows are read a page at a time by their Sequence
// (keyset, never OFFSET), the next page's query running while this one is written; only rows that
// existed when the export started are written, so rows added meanwhile cannot make it run forever.
//   json:   {"memories":[…],"knowledge":[…]} (a key only for what was asked for)
//   ndjson: one object per line, each with "type": "memory" or "knowledge" before its fields
internal sealed class ExportContentWriter(IDbContextFactory<ApplicationDbContext> contextFactory, IOptions<HttpJsonOptions> jsonOptions)
{
    public const int PageSize = 2000;

    // What the buffer collects before it goes to the stream: a few of the file store's writes.
    private const int FlushBytes = 64 * 1024;

    public async Task<ExportCounts> WriteAsync(ExportJob job, Stream stream, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var memories = db.Memories.AsNoTracking().Where(m => m.OwnerId == job.OwnerId && m.Environment == job.Environment);
        var knowledge = db.KnowledgeEntries.AsNoTracking().Where(k => k.OwnerId == job.OwnerId && k.Environment == job.Environment);
        var lastMemory = job.Include.HasFlag(ExportContents.Memories)
            ? await memories.MaxAsync(m => (long?)m.Sequence, cancellationToken) ?? 0
            : 0;
        var lastKnowledge = job.Include.HasFlag(ExportContents.Knowledge)
            ? await knowledge.MaxAsync(k => (long?)k.Sequence, cancellationToken) ?? 0
            : 0;

        using var items = new ExportItemWriter(stream, jsonOptions.Value.SerializerOptions, job.Format, FlushBytes);
        items.BeginDocument();
        int? memoryCount = null;
        if (job.Include.HasFlag(ExportContents.Memories))
        {
            items.BeginList(ExportValues.Memories);
            memoryCount = await WritePagesAsync(
                after => memories.Where(m => m.Sequence > after && m.Sequence <= lastMemory)
                    .OrderBy(m => m.Sequence)
                    .Take(PageSize)
                    // Only what the item shows (not the search text, as long again as the content);
                    // the placeholders are never read or saved.
                    .Select(m => new Memory
                    {
                        Sequence = m.Sequence,
                        Id = m.Id,
                        OwnerId = "",
                        Content = m.Content,
                        Tags = m.Tags,
                        Metadata = m.Metadata,
                        SearchText = "",
                        CreatedAt = m.CreatedAt,
                        UpdatedAt = m.UpdatedAt,
                    })
                    .ToListAsync(cancellationToken),
                m => m.Sequence,
                items.WriteMemory,
                items,
                cancellationToken);
            items.EndList();
        }

        int? knowledgeCount = null;
        if (job.Include.HasFlag(ExportContents.Knowledge))
        {
            items.BeginList(ExportValues.Knowledge);
            knowledgeCount = await WritePagesAsync(
                after => knowledge.Where(k => k.Sequence > after && k.Sequence <= lastKnowledge).OrderBy(k => k.Sequence).Take(PageSize).ToListAsync(cancellationToken),
                k => k.Sequence,
                k => items.WriteKnowledge(KnowledgeStore.ToDto(k)),
                items,
                cancellationToken);
            items.EndList();
        }

        items.EndDocument();
        await items.CompleteAsync(cancellationToken);
        return new ExportCounts(memoryCount, knowledgeCount);
    }

    // Page after page until a short one (the last row was fixed at the start); the query for the
    // next page is sent before this page is written, so the database works while the items are.
    private static async Task<int> WritePagesAsync<T>(
        Func<long, Task<List<T>>> nextPage,
        Func<T, long> position,
        Action<T> write,
        ExportItemWriter items,
        CancellationToken cancellationToken)
    {
        var count = 0;
        var fetching = nextPage(0);
        try
        {
            // Ends: every page starts after the last row of the one before, up to a fixed last row.
            while (await fetching is { Count: > 0 } page)
            {
                fetching = page.Count == PageSize ? nextPage(position(page[^1])) : Task.FromResult(new List<T>());
                foreach (var row in page)
                {
                    write(row);
                    await items.WriteBufferedAsync(cancellationToken);
                }

                count += page.Count;
            }
        }
        finally
        {
            // A write that failed leaves no query running on the context about to be disposed.
            await ((Task)fetching).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return count;
    }
}
