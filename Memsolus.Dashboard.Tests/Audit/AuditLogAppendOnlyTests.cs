using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Audit;

// History cannot be rewritten through the app's DbContext: saving a changed or removed audit
// event throws, and the stored row stays exactly as it was written.
public abstract class AuditLogAppendOnlyTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Saving_a_changed_audit_event_is_refused_and_the_row_is_unchanged()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            var stored = await context.AuditEvents.SingleAsync(e => e.Id == original.Id);
            stored.EventType = AuditEventTypes.KeyRevoked;
            stored.ActorName = "someone-else@example.com";
            stored.Details = "{}";

            await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        }

        AssertSame(original, await ReloadAsync(db, original.Id));
    }

    [Fact]
    public async Task Saving_a_changed_audit_event_synchronously_is_refused_too()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            var stored = await context.AuditEvents.SingleAsync(e => e.Id == original.Id);
            stored.OccurredAt = stored.OccurredAt.AddDays(-1);

            Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
        }

        AssertSame(original, await ReloadAsync(db, original.Id));
    }

    [Fact]
    public async Task Saving_a_deleted_audit_event_is_refused_and_the_row_remains()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            context.AuditEvents.Remove(await context.AuditEvents.SingleAsync(e => e.Id == original.Id));

            await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        }

        AssertSame(original, await ReloadAsync(db, original.Id));
    }

    [Fact]
    public async Task Saving_a_detached_copy_marked_as_updated_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            var forged = new AuditEvent
            {
                Id = original.Id,
                OccurredAt = original.OccurredAt,
                EventType = original.EventType,
                OwnerId = original.OwnerId,
                ActorName = "forged",
            };
            context.AuditEvents.Update(forged);

            await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        }

        AssertSame(original, await ReloadAsync(db, original.Id));
    }

    [Fact]
    public async Task Refused_save_writes_none_of_the_other_changes_in_it()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            var key = await context.ApiKeys.SingleAsync(k => k.Id == original.KeyId);
            key.Name = "renamed-in-the-same-save";
            context.AuditEvents.Remove(await context.AuditEvents.SingleAsync(e => e.Id == original.Id));

            await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        }

        Assert.Equal("production-agent", (await db.KeyRowAsync(original.KeyId!.Value)).Name);
    }

    // The guard above sits in SaveChanges, but EF's bulk operations never call SaveChanges: the
    // database itself refuses UPDATE and DELETE on AuditEvents. These two assert the outcome,
    // whatever exception the refusal surfaces as.
    [Fact]
    public async Task Bulk_update_through_the_context_cannot_rewrite_audit_events()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            var rewritten = 0;
            var error = await Record.ExceptionAsync(async () =>
                rewritten = await context.AuditEvents.ExecuteUpdateAsync(setters => setters.SetProperty(e => e.ActorName, "forged")));

            Assert.True(error is not null && rewritten == 0, $"ExecuteUpdateAsync rewrote {rewritten} audit event(s) without any error.");
        }

        AssertSame(original, await ReloadAsync(db, original.Id));
    }

    [Fact]
    public async Task Bulk_delete_through_the_context_cannot_remove_audit_events()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            var removed = 0;
            var error = await Record.ExceptionAsync(async () => removed = await context.AuditEvents.ExecuteDeleteAsync());

            Assert.True(error is not null && removed == 0, $"ExecuteDeleteAsync removed {removed} audit event(s) without any error.");
        }

        AssertSame(original, await ReloadAsync(db, original.Id));
    }

    [Fact]
    public async Task New_audit_events_can_still_be_appended()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var original = await SeedEventAsync(db);

        await using (var context = db.CreateContext())
        {
            context.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = TestClock.Start.AddMinutes(1),
                EventType = AuditEventTypes.KeyExpired,
                OwnerId = original.OwnerId,
                KeyId = original.KeyId,
            });
            await context.SaveChangesAsync();
        }

        Assert.Equal([AuditEventTypes.KeyCreated, AuditEventTypes.KeyExpired], (await db.AuditEventsAsync()).Select(e => e.EventType));
    }

    private static async Task<AuditEvent> SeedEventAsync(TestDatabase db)
    {
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        return Assert.Single(await db.AuditEventsAsync());
    }

    private static async Task<AuditEvent> ReloadAsync(TestDatabase db, long id)
    {
        await using var context = db.CreateContext();
        return await context.AuditEvents.AsNoTracking().SingleAsync(e => e.Id == id);
    }

    private static void AssertSame(AuditEvent expected, AuditEvent actual)
    {
        Assert.Equal(expected.OccurredAt, actual.OccurredAt);
        Assert.Equal(expected.EventType, actual.EventType);
        Assert.Equal(expected.OwnerId, actual.OwnerId);
        Assert.Equal(expected.ActorId, actual.ActorId);
        Assert.Equal(expected.ActorName, actual.ActorName);
        Assert.Equal(expected.KeyId, actual.KeyId);
        Assert.Equal(expected.KeyName, actual.KeyName);
        Assert.Equal(expected.KeyDisplay, actual.KeyDisplay);
        Assert.Equal(expected.Details, actual.Details);
        Assert.Equal(expected.ClientIp, actual.ClientIp);
        Assert.Equal(expected.UserAgent, actual.UserAgent);
    }

    public sealed class OnSqlite() : AuditLogAppendOnlyTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AuditLogAppendOnlyTests(DatabaseProvider.Postgres);
}
