using Memsolus.Dashboard.Data;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public abstract class ApiKeyStoreRevokeTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Revoke_records_when_who_and_why_and_the_key_stops_working()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        db.Clock.Advance(TimeSpan.FromDays(3));

        var result = await db.Keys.RevokeAsync(owner, key.Key.Id, "  Leaked in a public repo  ");

        Assert.True(result.Succeeded, result.Error?.Message);
        var revokedAt = TestClock.Start.AddDays(3);
        var summary = (await db.Keys.GetAsync(owner, key.Key.Id))!;
        Assert.Equal(ApiKeyStatus.Revoked, summary.Status);
        Assert.False(summary.StillWorks);
        Assert.Equal(revokedAt, summary.RevokedAt);
        Assert.Equal("Leaked in a public repo", summary.RevocationReason);
        Assert.Equal(owner.UserId, (await db.KeyRowAsync(key.Key.Id)).RevokedBy);
    }

    [Fact]
    public async Task Revoke_writes_a_key_revoked_event_with_the_reason()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        await db.Keys.RevokeAsync(owner, key.Key.Id, "Leaked in a public repo");

        var revoked = (await db.AuditEventsAsync()).Last();
        Assert.Equal(AuditEventTypes.KeyRevoked, revoked.EventType);
        Assert.Equal(key.Key.Id, revoked.KeyId);
        using var details = JsonDocument.Parse(revoked.Details!);
        Assert.Equal("Leaked in a public repo", details.RootElement.GetProperty("reason").GetString());
        Assert.Equal("owner", details.RootElement.GetProperty("by").GetString());
    }

    [Fact]
    public async Task Revoke_without_a_reason_is_allowed()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.RevokeAsync(owner, key.Key.Id, "   ");

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Null(result.Value!.RevocationReason);
    }

    [Fact]
    public async Task Reason_longer_than_500_characters_is_rejected_and_the_key_keeps_working()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.RevokeAsync(owner, key.Key.Id, new string('r', 501));

        Assert.Equal("Reason", result.Error?.Field);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RevokedAt);
    }

    [Fact]
    public async Task Revoked_key_cannot_be_revoked_again()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, "first");
        db.Clock.Advance(TimeSpan.FromMinutes(5));

        var second = await db.Keys.RevokeAsync(owner, key.Key.Id, "second");

        Assert.Equal(ApiKeyErrorKind.Invalid, second.Error?.Kind);
        var row = await db.KeyRowAsync(key.Key.Id);
        Assert.Equal(TestClock.Start, row.RevokedAt);
        Assert.Equal("first", row.RevocationReason);
        Assert.Single(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyRevoked);
    }

    [Fact]
    public async Task Revoking_a_rotated_key_during_its_grace_period_ends_it_at_once()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        var successor = (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.SevenDays)).Value!;
        db.Clock.Advance(TimeSpan.FromHours(1));

        var result = await db.Keys.RevokeAsync(owner, key.Key.Id, "rotated because it leaked");

        Assert.True(result.Succeeded, result.Error?.Message);
        var old = (await db.Keys.GetAsync(owner, key.Key.Id))!;
        Assert.Equal(ApiKeyStatus.Revoked, old.Status);
        Assert.False(old.StillWorks);
        Assert.True((await db.Keys.GetAsync(owner, successor.Key.Id))!.StillWorks);
    }

    [Fact]
    public async Task Expired_key_cannot_be_revoked()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(31));

        var result = await db.Keys.RevokeAsync(owner, key.Key.Id, null);

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RevokedAt);
        Assert.Single(await db.AuditEventsAsync());
    }

    public sealed class OnSqlite() : ApiKeyStoreRevokeTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreRevokeTests(DatabaseProvider.Postgres);
}
