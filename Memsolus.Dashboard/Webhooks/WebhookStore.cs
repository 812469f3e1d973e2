using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Memsolus.Dashboard.Webhooks;

// Webhooks of one (owner, environment); see MemoryStore. Deliveries are reached only through a
// webhook in scope, so another owner's deliveries are never found either.
internal sealed class WebhookStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    WebhookSecrets secrets,
    WebhookDeliveryQueue queue,
    IOptions<HttpJsonOptions> jsonOptions,
    TimeProvider clock)
{
    public async Task<Page<WebhookDto>> ListAsync(ApiCaller caller, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var webhooks = Scope(db, caller);
        var rows = await webhooks.PageRowsAsync(page, cancellationToken);
        return page.ToPage(rows, w => w.Sequence, ToDto);
    }

    public async Task<WebhookDto?> GetAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await Scope(db, caller).SingleOrDefaultAsync(w => w.Id == id, cancellationToken);
        return webhook is null ? null : ToDto(webhook);
    }

    // Null when the environment already holds Webhook.MaxPerEnvironment webhooks.
    public async Task<CreatedWebhookDto?> CreateAsync(ApiCaller caller, string url, List<string> events, string? description, bool enabled, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        if (await Scope(db, caller).CountAsync(cancellationToken) >= Webhook.MaxPerEnvironment)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var secret = WebhookSecrets.Generate();
        var webhook = new Webhook
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = caller.OwnerId,
            Environment = caller.Environment,
            Url = url,
            Events = events,
            Description = description,
            Enabled = enabled,
            ProtectedSecret = secrets.Protect(secret),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Webhooks.Add(webhook);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedWebhookDto(webhook.Id, webhook.Url, webhook.Events, webhook.Description, webhook.Enabled, webhook.CreatedAt, webhook.UpdatedAt, secret);
    }

    // description "" clears it; a null argument leaves that field as it is.
    public async Task<WebhookDto?> UpdateAsync(ApiCaller caller, Guid id, string? url, List<string>? events, string? description, bool? enabled, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await Scope(db, caller).AsTracking().SingleOrDefaultAsync(w => w.Id == id, cancellationToken);
        if (webhook is null)
        {
            return null;
        }

        webhook.Url = url ?? webhook.Url;
        webhook.Events = events ?? webhook.Events;
        if (description is not null)
        {
            webhook.Description = description.Length == 0 ? null : description;
        }

        webhook.Enabled = enabled ?? webhook.Enabled;
        webhook.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(webhook);
    }

    public async Task<bool> DeleteAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await Scope(db, caller).Where(w => w.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    // A new signing secret, shown to the caller once; the one it replaces keeps signing beside it
    // for oldSecretHours (0: it stops now). Only the secret being replaced is kept: one rolled away
    // earlier and still signing stops now. Null when the webhook is not the caller's.
    public async Task<RolledWebhookSecretDto?> RollSecretAsync(ApiCaller caller, Guid id, int oldSecretHours, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSecretHours);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSecretHours, Webhook.MaxOldSecretHours);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var secret = WebhookSecrets.Generate();
        var protectedSecret = secrets.Protect(secret);
        while (true)
        {
            var current = await Scope(db, caller).Where(w => w.Id == id).Select(w => w.ProtectedSecret).SingleOrDefaultAsync(cancellationToken);
            if (current is null)
            {
                return null;
            }

            // Cut to the microsecond as SaveChanges stores times (ApplicationDbContext), so the
            // answer says exactly the instant the dispatcher compares with.
            var now = clock.GetUtcNow();
            now = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMicrosecond));
            var keep = oldSecretHours > 0 && secrets.CanUnprotect(current);
            var previous = keep ? current : null;
            var expiresAt = keep ? now.AddHours(oldSecretHours) : (DateTimeOffset?)null;

            // Conditional on the secret just read: of two rolls at once, the second reads again and
            // keeps the first one's secret, so no secret handed to a caller is silently dropped.
            var rolled = await db.Webhooks.OwnedBy(caller)
                .Where(w => w.Id == id && w.ProtectedSecret == current)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(w => w.ProtectedSecret, protectedSecret)
                        .SetProperty(w => w.PreviousProtectedSecret, previous)
                        .SetProperty(w => w.PreviousSecretExpiresAt, expiresAt)
                        .SetProperty(w => w.UpdatedAt, now),
                    cancellationToken);
            if (rolled == 1)
            {
                return new RolledWebhookSecretDto(id, secret, expiresAt ?? now);
            }
        }
    }

    // Newest first; null when the webhook is not the caller's.
    public async Task<Page<WebhookDeliveryDto>?> ListDeliveriesAsync(ApiCaller caller, Guid webhookId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await Scope(db, caller).Where(w => w.Id == webhookId).Select(w => (long?)w.Sequence).SingleOrDefaultAsync(cancellationToken);
        if (webhook is not { } webhookSequence)
        {
            return null;
        }

        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookSequence == webhookSequence);
        if (page.After is { } after)
        {
            deliveries = deliveries.Where(d => d.Sequence < after);
        }

        // The payload stays behind: it can be large and the list does not show it.
        var rows = await deliveries
            .OrderByDescending(d => d.Sequence)
            .Take(page.Limit + 1)
            .Select(d => new DeliveryRow(d.Sequence, d.Id, d.EventId, d.EventType, d.Status, d.AttemptCount, d.NextAttemptAt, d.CreatedAt))
            .ToListAsync(cancellationToken);
        var sequences = rows.Select(r => r.Sequence).ToList();
        var attempts = (await db.WebhookDeliveryAttempts.AsNoTracking()
                .Where(a => sequences.Contains(a.DeliverySequence))
                .ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliverySequence);

        return page.ToPage(rows, r => r.Sequence, r => ToDto(r, attempts[r.Sequence].OrderBy(a => a.Attempt).ToList()));
    }

    // The newest delivery of each of the caller's webhooks that has one, by webhook id: what the
    // Webhooks page shows beside each endpoint. One query for all of them, not one per webhook.
    public async Task<Dictionary<Guid, WebhookDeliveryDto>> LatestDeliveriesAsync(ApiCaller caller, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var webhooks = Scope(db, caller);
        var latest = db.WebhookDeliveries
            .Where(d => webhooks.Any(w => w.Sequence == d.WebhookSequence))
            .GroupBy(d => d.WebhookSequence)
            .Select(g => g.Max(d => d.Sequence));
        var rows = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => latest.Contains(d.Sequence))
            .Join(webhooks, d => d.WebhookSequence, w => w.Sequence, (d, w) => new
            {
                WebhookId = w.Id,
                Row = new DeliveryRow(d.Sequence, d.Id, d.EventId, d.EventType, d.Status, d.AttemptCount, d.NextAttemptAt, d.CreatedAt),
            })
            .ToListAsync(cancellationToken);
        var sequences = rows.Select(r => r.Row.Sequence).ToList();
        var attempts = (await db.WebhookDeliveryAttempts.AsNoTracking()
                .Where(a => sequences.Contains(a.DeliverySequence))
                .ToListAsync(cancellationToken))
            .ToLookup(a => a.DeliverySequence);
        return rows.ToDictionary(r => r.WebhookId, r => ToDto(r.Row, attempts[r.Row.Sequence].OrderBy(a => a.Attempt).ToList()));
    }

    // Queues a ping event to this webhook alone, whatever events it subscribes to, for the
    // dispatcher to sign and send like any other; null when the webhook is not the caller's.
    public async Task<WebhookDeliveryDto?> QueuePingAsync(ApiCaller caller, Guid webhookId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await Scope(db, caller).Where(w => w.Id == webhookId).Select(w => (long?)w.Sequence).SingleOrDefaultAsync(cancellationToken);
        if (webhook is not { } webhookSequence)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var eventId = Guid.CreateVersion7(now);
        var delivery = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(now),
            WebhookSequence = webhookSequence,
            EventId = eventId,
            EventType = WebhookEventTypes.Ping,
            Payload = WebhookEventPayload.Serialize(eventId, WebhookEventTypes.Ping, now, caller.Environment.Name(), new { webhookId }, jsonOptions.Value.SerializerOptions),
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        queue.Signal();
        return ToDto(new DeliveryRow(delivery.Sequence, delivery.Id, eventId, delivery.EventType, delivery.Status, 0, now, now), []);
    }

    // Puts a finished (succeeded, failed or canceled) delivery back in the queue: the same body,
    // so the same event id, sent as its next attempt. One conditional update, so of two
    // concurrent calls one queues it and the other finds it pending.
    public async Task<(RedeliverOutcome Outcome, WebhookDeliveryDto? Delivery)> RedeliverAsync(ApiCaller caller, Guid webhookId, Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await Scope(db, caller).Where(w => w.Id == webhookId).Select(w => (long?)w.Sequence).SingleOrDefaultAsync(cancellationToken);
        if (webhook is not { } webhookSequence)
        {
            return (RedeliverOutcome.NoWebhook, null);
        }

        var now = clock.GetUtcNow();
        var ofWebhook = db.WebhookDeliveries.Where(d => d.WebhookSequence == webhookSequence && d.Id == deliveryId);
        var queued = await ofWebhook
            .Where(d => d.Status != WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Pending).SetProperty(d => d.NextAttemptAt, now), cancellationToken);
        var row = await ofWebhook.AsNoTracking()
            .Select(d => new DeliveryRow(d.Sequence, d.Id, d.EventId, d.EventType, d.Status, d.AttemptCount, d.NextAttemptAt, d.CreatedAt))
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return (RedeliverOutcome.NotFound, null);
        }

        if (queued == 0)
        {
            return (RedeliverOutcome.StillPending, null);
        }

        queue.Signal();
        var attempts = await db.WebhookDeliveryAttempts.AsNoTracking().Where(a => a.DeliverySequence == row.Sequence).OrderBy(a => a.Attempt).ToListAsync(cancellationToken);
        return (RedeliverOutcome.Queued, ToDto(row, attempts));
    }

    private sealed record DeliveryRow(long Sequence, Guid Id, Guid EventId, string EventType, WebhookDeliveryStatus Status, int AttemptCount, DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt);

    private static IQueryable<Webhook> Scope(ApplicationDbContext db, ApiCaller caller) =>
        db.Webhooks.AsNoTracking().OwnedBy(caller);

    private static WebhookDto ToDto(Webhook w) => new(w.Id, w.Url, w.Events, w.Description, w.Enabled, w.CreatedAt, w.UpdatedAt);

    private static WebhookDeliveryDto ToDto(DeliveryRow d, List<WebhookDeliveryAttempt> attempts)
    {
        var last = attempts.Count > 0 ? attempts[^1] : null;
        return new WebhookDeliveryDto(
            d.Id,
            d.EventId,
            d.EventType,
            StatusName(d.Status),
            d.AttemptCount,
            last?.StatusCode,
            last?.DurationMs,
            last?.Error,
            d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null,
            d.CreatedAt,
            attempts.Select(a => new WebhookAttemptDto(a.Attempt, a.AttemptedAt, a.StatusCode, a.DurationMs, a.Error, a.NextRetryAt)).ToList());
    }

    internal static string StatusName(WebhookDeliveryStatus status) => status switch
    {
        WebhookDeliveryStatus.Pending => "pending",
        WebhookDeliveryStatus.Succeeded => "succeeded",
        WebhookDeliveryStatus.Failed => "failed",
        WebhookDeliveryStatus.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}

internal enum RedeliverOutcome
{
    Queued,
    NoWebhook,
    NotFound,
    StillPending,
}
