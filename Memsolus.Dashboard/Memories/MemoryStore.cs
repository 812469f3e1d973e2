using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Memories;

// Memories of one (owner, environment): every query is filtered by both, so another owner's or
// another environment's id is simply not found.
internal sealed class MemoryStore(IDbContextFactory<ApplicationDbContext> contextFactory, TimeProvider clock, IWebhookEvents events)
{
    public async Task<Page<MemoryDto>> ListAsync(ApiCaller caller, PageRequest page, string? query, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var memories = Scope(db, caller);
        if (query is not null)
        {
            var pattern = $"%{EscapeLike(query.ToLowerInvariant())}%";
            memories = memories.Where(m => EF.Functions.Like(m.SearchText, pattern, "\\"));
        }

        var rows = await memories.PageRowsAsync(page, cancellationToken);
        return page.ToPage(rows, m => m.Sequence, ToDto);
    }

    public async Task<MemoryDto?> GetAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var memory = await Scope(db, caller).SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        return memory is null ? null : ToDto(memory);
    }

    public async Task<MemoryDto> CreateAsync(ApiCaller caller, string content, List<string> tags, string? metadata, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var memory = new Memory
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = caller.OwnerId,
            Environment = caller.Environment,
            Content = content,
            Tags = tags,
            Metadata = metadata ?? "{}",
            SearchText = Memory.SearchTextOf(content, tags),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.Memories.Add(memory);
        await db.SaveChangesAsync(cancellationToken);
        var created = ToDto(memory);
        await events.PublishAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.MemoryCreated, created, cancellationToken);
        return created;
    }

    // Several memories in one write, in the order given (an import's lines): one transaction and
    // one announcement for all of them rather than one each, which is what bounds a large import.
    public async Task<List<MemoryDto>> CreateManyAsync(ApiCaller caller, IReadOnlyList<(string Content, List<string> Tags, string? Metadata)> items, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var created = items.Select(item => new Memory
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = caller.OwnerId,
            Environment = caller.Environment,
            Content = item.Content,
            Tags = item.Tags,
            Metadata = item.Metadata ?? "{}",
            SearchText = Memory.SearchTextOf(item.Content, item.Tags),
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Memories.AddRange(created);
            await db.SaveChangesAsync(cancellationToken);
        }

        var dtos = created.Select(ToDto).ToList();
        await events.PublishManyAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.MemoryCreated, dtos, cancellationToken);
        return dtos;
    }

    public async Task<MemoryDto?> UpdateAsync(ApiCaller caller, Guid id, string? content, List<string>? tags, string? metadata, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var memory = await Scope(db, caller).AsTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (memory is null)
        {
            return null;
        }

        memory.Content = content ?? memory.Content;
        memory.Tags = tags ?? memory.Tags;
        memory.Metadata = metadata ?? memory.Metadata;
        memory.SearchText = Memory.SearchTextOf(memory.Content, memory.Tags);
        memory.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        var updated = ToDto(memory);
        await events.PublishAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.MemoryUpdated, updated, cancellationToken);
        return updated;
    }

    public async Task<bool> DeleteAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await Scope(db, caller).Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        await events.PublishAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.MemoryDeleted, new { id }, cancellationToken);
        return true;
    }

    private static IQueryable<Memory> Scope(ApplicationDbContext db, ApiCaller caller) =>
        db.Memories.AsNoTracking().OwnedBy(caller);

    // LIKE's wildcards and its escape character, taken literally (the knowledge search uses it too).
    internal static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    // A row that cannot be served as stored (written before the input rules) is served repaired
    // and says which fields were: one such row never costs the caller the whole list.
    internal static MemoryDto ToDto(Memory m)
    {
        var repaired = Repair(m);
        using var metadata = JsonDocument.Parse(repaired?.Metadata ?? m.Metadata);
        return new MemoryDto(m.Id, repaired?.Content ?? m.Content, repaired?.Tags ?? m.Tags, metadata.RootElement.Clone(), m.CreatedAt, m.UpdatedAt, repaired?.Fields);
    }

    // The row's fields made servable (StoredText.Repair, StorableJson.Repair); null when all are.
    internal static RepairedMemory? Repair(Memory m)
    {
        var content = StoredText.Repair(m.Content);
        var tags = m.Tags.Select(StoredText.Repair).ToList();
        var metadata = StorableJson.Repair(m.Metadata, Memory.MaxMetadataDepth);
        var fields = new List<string>();
        if (!ReferenceEquals(content, m.Content))
        {
            fields.Add("content");
        }

        if (tags.Where((tag, i) => !ReferenceEquals(tag, m.Tags[i])).Any())
        {
            fields.Add("tags");
        }

        if (!ReferenceEquals(metadata, m.Metadata))
        {
            fields.Add("metadata");
        }

        return fields.Count == 0 ? null : new RepairedMemory(content, tags, metadata, fields);
    }
}
