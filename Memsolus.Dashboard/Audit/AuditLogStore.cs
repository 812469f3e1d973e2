using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Audit;

// Reading the audit log: owners see their own keys' events, administrators everyone's. Newest
// first by when it happened (a key.expired is written after the fact, dated at the expiry),
// server-side paged; the date range is whole UTC days, both ends included. An owner sees what an
// administrator did to their account as done by "an administrator": never the administrator's
// email, address or user agent.
internal sealed class AuditLogStore(IDbContextFactory<ApplicationDbContext> contextFactory)
{
    public const int MaxPageSize = 100;

    public const string AdministratorName = "an administrator";

    public async Task<AuditPage> OwnEventsAsync(AuditActor owner, AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await QueryAsync(db, db.AuditEvents.AsNoTracking().Where(e => e.OwnerId == owner.UserId), query, owner.UserId, cancellationToken);
    }

    public async Task<AuditPage> AllEventsAsync(AuditActor admin, AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await AdminApiKeyStore.DemandAdminAsync(db, admin, cancellationToken);
        return await QueryAsync(db, db.AuditEvents.AsNoTracking(), query, viewer: null, cancellationToken);
    }

    // viewer: the owner reading their own log, or null for an administrator, who sees every actor.
    private static async Task<AuditPage> QueryAsync(ApplicationDbContext db, IQueryable<AuditEvent> events, AuditQuery query, string? viewer, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(query.EventType))
        {
            events = events.Where(e => e.EventType == query.EventType);
        }

        if (query.KeyId is { } keyId)
        {
            events = events.Where(e => e.KeyId == keyId);
        }

        if (query.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.OccurredAt >= start);
        }

        if (query.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            events = events.Where(e => e.OccurredAt < end);
        }

        var total = await events.CountAsync(cancellationToken);
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var rows = await (from e in events
                          join u in db.Users on e.OwnerId equals u.Id into owners
                          from u in owners.DefaultIfEmpty()
                          orderby e.OccurredAt descending, e.Id descending
                          let shown = viewer == null || e.ActorId == null || e.ActorId == viewer
                          select new AuditRow(e.Id, e.OccurredAt, e.EventType, shown ? e.ActorName : AdministratorName, e.OwnerId, u != null ? u.Email : null,
                              e.KeyId, e.KeyName, e.KeyDisplay, e.Details, shown ? e.ClientIp : null, shown ? e.UserAgent : null))
            .Skip(Math.Max(0, query.Page) * size).Take(size)
            .ToListAsync(cancellationToken);
        return new AuditPage(rows, total);
    }
}
