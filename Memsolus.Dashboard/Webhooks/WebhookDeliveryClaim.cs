using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Memsolus.Dashboard.Webhooks;

// How the dispatcher claims a batch (QueueLease's rule, "nobody holds it or the lease has run
// out", for a whole batch at once): one UPDATE that leases the oldest due, free deliveries to this
// node and returns them as they were claimed, so what is sent is exactly what was claimed (attempt
// count and body). One statement rather than one per row: the claim costs one round trip whatever
// the batch size.
//   PostgreSQL: the inner SELECT locks the rows it picks FOR UPDATE SKIP LOCKED, so two nodes
//   claiming at once never wait on each other (no lock-order deadlocks) and get disjoint sets; a row
//   another node claimed and committed after this statement's snapshot is re-checked under its lock
//   and no longer free, so it is left out.
//   SQLite: one writer at a time, so the statement sees every earlier claim.
// Hand-written because EF's ExecuteUpdate can neither lock with SKIP LOCKED nor return rows; the
// table and column names are the ones the model maps, and values go through the model's storage
// (the status as its stored text, timestamps as StoredTimestamp).
internal static class WebhookDeliveryClaim
{
    public static async Task<List<ClaimedWebhookDelivery>> ClaimAsync(
        ApplicationDbContext db, string node, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken cancellationToken)
    {
        var entity = db.Model.FindEntityType(typeof(WebhookDelivery)) ?? throw new InvalidOperationException("WebhookDelivery is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        string Returned(string property) => $"{Column(property)} AS {sql.DelimitIdentifier(property)}";
        var name = sql.DelimitIdentifier(table.Name, table.Schema);
        var pending = entity.FindProperty(nameof(WebhookDelivery.Status))!.GetTypeMapping().Converter?.ConvertToProvider(WebhookDeliveryStatus.Pending)
            ?? WebhookDeliveryStatus.Pending;
        var skipLocked = db.Database.IsNpgsql() ? " FOR UPDATE SKIP LOCKED" : "";

        var statement = $$"""
            UPDATE {{name}} SET {{Column(nameof(WebhookDelivery.LeasedBy))}} = {0}, {{Column(nameof(WebhookDelivery.LeasedUntil))}} = {1}
            WHERE {{Column(nameof(WebhookDelivery.Sequence))}} IN (
                SELECT {{Column(nameof(WebhookDelivery.Sequence))}} FROM {{name}}
                WHERE {{Column(nameof(WebhookDelivery.Status))}} = {2} AND {{Column(nameof(WebhookDelivery.NextAttemptAt))}} <= {3}
                    AND ({{Column(nameof(WebhookDelivery.LeasedUntil))}} IS NULL OR {{Column(nameof(WebhookDelivery.LeasedUntil))}} <= {3})
                ORDER BY {{Column(nameof(WebhookDelivery.NextAttemptAt))}}, {{Column(nameof(WebhookDelivery.Sequence))}}
                LIMIT {4}{{skipLocked}})
            RETURNING {{Returned(nameof(WebhookDelivery.Sequence))}}, {{Returned(nameof(WebhookDelivery.Id))}}, {{Returned(nameof(WebhookDelivery.WebhookSequence))}},
                {{Returned(nameof(WebhookDelivery.AttemptCount))}}, {{Returned(nameof(WebhookDelivery.Payload))}}
            """;
        var claimed = await db.Database
            .SqlQueryRaw<ClaimedWebhookDelivery>(statement, node, db.StoredTimestamp(until), pending, db.StoredTimestamp(now), limit)
            .ToListAsync(cancellationToken);
        return [.. claimed.OrderBy(d => d.Sequence)];
    }
}
