using System.Text.Json;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Memsolus.Dashboard.Exports;

// Writes an export's contents: the same memory and knowledge shapes, with the same JSON options,
// as the API answers. Rows are read a page at a time and flushed after each page, so an export of
// any size needs about one page of memory. Only rows that existed when the export started are
// written, so rows added meanwhile cannot make it run forever.
//   json:   {"memories":[…],"knowledge":[…]} (a key only for what was asked for)
//   ndjson: one object per line, each with "type": "memory" or "knowledge" before its fields
internal sealed class ExportContentWriter(IDbContextFactory<ApplicationDbContext> contextFactory, IOptions<HttpJsonOptions> jsonOptions)
{
    public const int PageSize = 500;

    private const string MemoryType = "memory";
    private const string KnowledgeType = "knowledge";

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

        var options = jsonOptions.Value.SerializerOptions;
        await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = options.Encoder });
        var items = new ItemWriter(writer, stream, options, job.Format);

        items.BeginDocument();
        int? memoryCount = null;
        if (job.Include.HasFlag(ExportContents.Memories))
        {
            items.BeginList(ExportValues.Memories);
            memoryCount = await WritePagesAsync(
                after => memories.Where(m => m.Sequence > after && m.Sequence <= lastMemory).OrderBy(m => m.Sequence).Take(PageSize).ToListAsync(cancellationToken),
                m => m.Sequence,
                m => items.Write(MemoryType, MemoryStore.ToDto(m)),
                items.FlushAsync,
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
                k => items.Write(KnowledgeType, KnowledgeStore.ToDto(k)),
                items.FlushAsync,
                cancellationToken);
            items.EndList();
        }

        items.EndDocument();
        await items.FlushAsync(cancellationToken);
        return new ExportCounts(memoryCount, knowledgeCount);
    }

    private static async Task<int> WritePagesAsync<T>(
        Func<long, Task<List<T>>> nextPage,
        Func<T, long> position,
        Action<T> write,
        Func<CancellationToken, Task> flush,
        CancellationToken cancellationToken)
    {
        var count = 0;
        var after = 0L;
        // Ends: every page starts after the last row of the one before, up to a fixed last row.
        while (await nextPage(after) is { Count: > 0 } page)
        {
            foreach (var row in page)
            {
                write(row);
            }

            count += page.Count;
            after = position(page[^1]);
            await flush(cancellationToken);
        }

        return count;
    }

    // The two formats differ only in what goes around and between the items.
    private sealed class ItemWriter(Utf8JsonWriter writer, Stream stream, JsonSerializerOptions options, ExportFormat format)
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();

        private bool IsJson => format == ExportFormat.Json;

        public void BeginDocument()
        {
            if (IsJson)
            {
                writer.WriteStartObject();
            }
        }

        public void EndDocument()
        {
            if (IsJson)
            {
                writer.WriteEndObject();
            }
        }

        public void BeginList(string name)
        {
            if (IsJson)
            {
                writer.WritePropertyName(options.PropertyNamingPolicy?.ConvertName(name) ?? name);
                writer.WriteStartArray();
            }
        }

        public void EndList()
        {
            if (IsJson)
            {
                writer.WriteEndArray();
            }
        }

        public void Write<TDto>(string type, TDto item)
        {
            if (IsJson)
            {
                JsonSerializer.Serialize(writer, item, options);
                return;
            }

            // One JSON value per line: each line is written as a document of its own.
            writer.WriteStartObject();
            writer.WriteString("type", type);
            foreach (var property in JsonSerializer.SerializeToElement(item, options).EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.Flush();
            stream.Write(NewLine);
            writer.Reset(stream);
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await writer.FlushAsync(cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
    }
}
