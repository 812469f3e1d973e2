using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Audit;

// Keys expire by the clock; the recorder writes key.expired once per key, dated when it expired.
public abstract class KeyExpiryRunnerTests(DatabaseProvider provider)
{
    [Fact]
    public async Task An_expired_key_gets_one_key_expired_event_however_often_the_recorder_runs()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "short-lived", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(31));

        var first = await db.ExpiryRunner.RecordExpiredAsync();
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await db.ExpiryRunner.RecordExpiredAsync();

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        var expired = Assert.Single(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyExpired);
        Assert.Equal(key.Key.Id, expired.KeyId);
        Assert.Equal(owner.UserId, expired.OwnerId);
        Assert.Equal("short-lived", expired.KeyName);
        Assert.Equal(key.Key.DisplayKey, expired.KeyDisplay);
        Assert.Equal("system", expired.ActorName);
        Assert.Null(expired.ActorId);
        Assert.Equal(TestClock.Start.AddDays(30), expired.OccurredAt);
        Assert.Equal("expired 2026-04-09 09:30 UTC", AuditDetails.Describe(expired.EventType, expired.Details));
    }

    [Fact]
    public async Task Keys_that_have_not_expired_or_never_expire_get_no_event()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "forever");
        await db.CreateKeyAsync(owner, "quarterly", ApiKeyExpiration.Days90);
        db.Clock.Advance(TimeSpan.FromDays(89));

        Assert.Equal(0, await db.ExpiryRunner.RecordExpiredAsync());
        Assert.DoesNotContain(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyExpired);
    }

    [Fact]
    public async Task A_key_revoked_before_it_expired_gets_no_expiry_event()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "short-lived", ApiKeyExpiration.Days30);
        await db.Keys.RevokeAsync(owner, key.Key.Id, "integration retired");
        db.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal(0, await db.ExpiryRunner.RecordExpiredAsync());
        Assert.DoesNotContain(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyExpired);
    }

    [Fact]
    public async Task Each_key_is_recorded_when_its_own_time_comes()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var monthly = await db.CreateKeyAsync(alice, "monthly", ApiKeyExpiration.Days30);
        var quarterly = await db.CreateKeyAsync(bob, "quarterly", ApiKeyExpiration.Days90);

        db.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, await db.ExpiryRunner.RecordExpiredAsync());
        db.Clock.Advance(TimeSpan.FromDays(60));
        Assert.Equal(1, await db.ExpiryRunner.RecordExpiredAsync());

        var expired = (await db.AuditEventsAsync()).Where(e => e.EventType == AuditEventTypes.KeyExpired).ToList();
        Assert.Equal([monthly.Key.Id, quarterly.Key.Id], expired.Select(e => e.KeyId!.Value));
        Assert.Equal([alice.UserId, bob.UserId], expired.Select(e => e.OwnerId));
    }

    [Fact]
    public async Task A_key_valid_through_a_chosen_date_is_recorded_from_the_next_midnight()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "launch-week", ApiKeyExpiration.Date, new DateOnly(2026, 3, 20));

        db.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 20, 23, 59, 59, TimeSpan.Zero));
        Assert.Equal(0, await db.ExpiryRunner.RecordExpiredAsync());
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await db.ExpiryRunner.RecordExpiredAsync());

        var expired = Assert.Single(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyExpired);
        Assert.Equal(new DateTimeOffset(2026, 3, 21, 0, 0, 0, TimeSpan.Zero), expired.OccurredAt);
    }

    [Fact]
    public async Task The_owner_sees_the_expiry_in_their_audit_log()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "short-lived", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(30));
        await db.ExpiryRunner.RecordExpiredAsync();

        var page = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(EventType: AuditEventTypes.KeyExpired));

        Assert.Equal("short-lived", Assert.Single(page.Rows).KeyName);
    }

    public sealed class OnSqlite() : KeyExpiryRunnerTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : KeyExpiryRunnerTests(DatabaseProvider.Postgres);
}
