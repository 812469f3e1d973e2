using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Knowledge;

// Knowledge entries of one (owner, environment); see MemoryStore.
internal sealed class KnowledgeStore(IDbContextFactory<ApplicationDbContext> contextFactory, TimeProvider clock, IWebhookEvents events)
{
    // query, when given, keeps the entries whose title or content contains it, ignoring case: the
    // knowledge screen's search. Case is folded by the database's lower(), which on PostgreSQL
    // folds every letter and on SQLite only A–Z (docs/dashboard.md, "Knowledge").
    public async Task<Page<KnowledgeDto>> ListAsync(ApiCaller caller, PageRequest page, string? query, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var entries = Scope(db, caller);
        if (query is not null)
        {
            var pattern = $"%{MemoryStore.EscapeLike(query.ToLowerInvariant())}%";
            entries = entries.Where(k => EF.Functions.Like(k.Title.ToLower(), pattern, "\\") || EF.Functions.Like(k.Content.ToLower(), pattern, "\\"));
        }

        var rows = await entries.PageRowsAsync(page, cancellationToken);
        return page.ToPage(rows, k => k.Sequence, ToDto);
    }

    public async Task<KnowledgeDto?> GetAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var entry = await Scope(db, caller).SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        return entry is null ? null : ToDto(entry);
    }

    public async Task<KnowledgeDto> CreateAsync(ApiCaller caller, string title, string content, string? source, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var entry = new KnowledgeEntry
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = caller.OwnerId,
            Environment = caller.Environment,
            Title = title,
            Content = content,
            Source = string.IsNullOrEmpty(source) ? null : source,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.KnowledgeEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        var created = ToDto(entry);
        await events.PublishAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.KnowledgeCreated, created, cancellationToken);
        return created;
    }

    public async Task<KnowledgeDto?> UpdateAsync(ApiCaller caller, Guid id, string? title, string? content, string? source, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var entry = await Scope(db, caller).AsTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (entry is null)
        {
            return null;
        }

        entry.Title = title ?? entry.Title;
        entry.Content = content ?? entry.Content;
        if (source is not null)
        {
            entry.Source = source.Length == 0 ? null : source;
        }

        entry.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        var updated = ToDto(entry);
        await events.PublishAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.KnowledgeUpdated, updated, cancellationToken);
        return updated;
    }

    public async Task<bool> DeleteAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await Scope(db, caller).Where(k => k.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return false;
        }

        await events.PublishAsync(caller.OwnerId, caller.Environment, WebhookEventTypes.KnowledgeDeleted, new { id }, cancellationToken);
        return true;
    }

    private static IQueryable<KnowledgeEntry> Scope(ApplicationDbContext db, ApiCaller caller) =>
        db.KnowledgeEntries.AsNoTracking().OwnedBy(caller);

    // See MemoryStore.ToDto: a row stored before the input rules is served repaired, and says so.
    internal static KnowledgeDto ToDto(KnowledgeEntry k)
    {
        var title = StoredText.Repair(k.Title);
        var content = StoredText.Repair(k.Content);
        var source = k.Source is null ? null : StoredText.Repair(k.Source);
        List<string>? fields = null;
        Note(ref fields, "title", title, k.Title);
        Note(ref fields, "content", content, k.Content);
        Note(ref fields, "source", source, k.Source);
        return new(k.Id, title, content, source, k.CreatedAt, k.UpdatedAt, fields);
    }

    private static void Note(ref List<string>? fields, string field, string? repaired, string? stored)
    {
        if (!ReferenceEquals(repaired, stored))
        {
            (fields ??= []).Add(field);
        }
    }
}
