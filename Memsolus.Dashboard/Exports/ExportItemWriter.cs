using System.Buffers;
using System.Text.Json;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;

namespace Memsolus.Dashboard.Exports;

// Writes export items straight from their rows, once each, into a buffer; ExportContentWriter sends
// the buffer to the stream with awaited writes. The fields, their names (through the API's naming
// policy) and their order are those of MemoryDto and KnowledgeDto as the API serializes them, and
// strings are escaped by the API's encoder. The two formats differ only in what goes around and
// between the items: ndjson writes each item as a document of its own, "type" first, then a line
// break.
internal sealed class ExportItemWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> buffer = new();
    private readonly Utf8JsonWriter writer;
    private readonly Stream stream;
    private readonly JsonSerializerOptions options;
    private readonly bool isJson;
    private readonly int flushBytes;
    private readonly JsonEncodedText type;
    private readonly JsonEncodedText id;
    private readonly JsonEncodedText content;
    private readonly JsonEncodedText tags;
    private readonly JsonEncodedText metadata;
    private readonly JsonEncodedText title;
    private readonly JsonEncodedText source;
    private readonly JsonEncodedText createdAt;
    private readonly JsonEncodedText updatedAt;
    private readonly JsonEncodedText unreadable;
    private readonly JsonEncodedText memoryType;
    private readonly JsonEncodedText knowledgeType;

    public ExportItemWriter(Stream stream, JsonSerializerOptions options, ExportFormat format, int flushBytes)
    {
        this.stream = stream;
        this.options = options;
        isJson = format == ExportFormat.Json;
        this.flushBytes = flushBytes;
        writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder });
        type = JsonEncodedText.Encode("type", options.Encoder);
        id = Name(nameof(MemoryDto.Id));
        content = Name(nameof(MemoryDto.Content));
        tags = Name(nameof(MemoryDto.Tags));
        metadata = Name(nameof(MemoryDto.Metadata));
        title = Name(nameof(KnowledgeDto.Title));
        source = Name(nameof(KnowledgeDto.Source));
        createdAt = Name(nameof(MemoryDto.CreatedAt));
        updatedAt = Name(nameof(MemoryDto.UpdatedAt));
        unreadable = Name(nameof(MemoryDto.Unreadable));
        memoryType = JsonEncodedText.Encode("memory", options.Encoder);
        knowledgeType = JsonEncodedText.Encode("knowledge", options.Encoder);
    }

    public void BeginDocument()
    {
        if (isJson)
        {
            writer.WriteStartObject();
        }
    }

    public void EndDocument()
    {
        if (isJson)
        {
            writer.WriteEndObject();
        }
    }

    public void BeginList(string name)
    {
        if (isJson)
        {
            writer.WriteStartArray(Name(name));
        }
    }

    public void EndList()
    {
        if (isJson)
        {
            writer.WriteEndArray();
        }
    }

    // MemoryStore.ToDto's item (a row stored before the input rules served repaired, naming the
    // fields that were), with its metadata parsed once and written through the encoder, as the
    // API's JsonElement is.
    public void WriteMemory(Memory memory)
    {
        var repaired = MemoryStore.Repair(memory);
        BeginItem(memoryType);
        writer.WriteString(id, memory.Id);
        writer.WriteString(content, repaired?.Content ?? memory.Content);
        writer.WriteStartArray(tags);
        foreach (var tag in repaired?.Tags ?? memory.Tags)
        {
            writer.WriteStringValue(tag);
        }

        writer.WriteEndArray();
        writer.WritePropertyName(metadata);
        using (var document = JsonDocument.Parse(repaired?.Metadata ?? memory.Metadata))
        {
            document.RootElement.WriteTo(writer);
        }

        writer.WriteString(createdAt, memory.CreatedAt);
        writer.WriteString(updatedAt, memory.UpdatedAt);
        WriteUnreadable(repaired?.Fields);
        EndItem();
    }

    public void WriteKnowledge(KnowledgeDto entry)
    {
        BeginItem(knowledgeType);
        writer.WriteString(id, entry.Id);
        writer.WriteString(title, entry.Title);
        writer.WriteString(content, entry.Content);
        if (entry.Source is null)
        {
            writer.WriteNull(source);
        }
        else
        {
            writer.WriteString(source, entry.Source);
        }

        writer.WriteString(createdAt, entry.CreatedAt);
        writer.WriteString(updatedAt, entry.UpdatedAt);
        WriteUnreadable(entry.Unreadable);
        EndItem();
    }

    // Sends what the buffer holds once it holds flushBytes.
    public Task WriteBufferedAsync(CancellationToken cancellationToken)
    {
        writer.Flush();
        return buffer.WrittenCount >= flushBytes ? SendAsync(cancellationToken) : Task.CompletedTask;
    }

    // Sends the rest and flushes the stream.
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        writer.Flush();
        await SendAsync(cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        if (buffer.WrittenCount > 0)
        {
            await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
            buffer.ResetWrittenCount();
        }
    }

    private void BeginItem(JsonEncodedText itemType)
    {
        writer.WriteStartObject();
        if (!isJson)
        {
            writer.WriteString(type, itemType);
        }
    }

    private void EndItem()
    {
        writer.WriteEndObject();
        if (!isJson)
        {
            // One JSON value per line: the next line is a document of its own.
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset();
        }
    }

    private void WriteUnreadable(IReadOnlyList<string>? fields)
    {
        // Absent when null, as the DTOs' JsonIgnore(WhenWritingNull) has it.
        if (fields is null)
        {
            return;
        }

        writer.WriteStartArray(unreadable);
        foreach (var field in fields)
        {
            writer.WriteStringValue(field);
        }

        writer.WriteEndArray();
    }

    public void Dispose() => writer.Dispose();

    private JsonEncodedText Name(string name) =>
        JsonEncodedText.Encode(options.PropertyNamingPolicy?.ConvertName(name) ?? name, options.Encoder);
}
