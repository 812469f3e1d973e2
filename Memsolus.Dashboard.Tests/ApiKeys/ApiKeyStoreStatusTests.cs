using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// What the API Keys page shows for each key as time passes (the default 7-day "expires soon" window).
public abstract class ApiKeyStoreStatusTests(DatabaseProvider provider)
{
    [Fact]
    public async Task List_shows_each_keys_status_as_of_the_service_clock()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var active = await db.CreateKeyAsync(owner, "never-expires");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var soon = await db.CreateKeyAsync(owner, "thirty-days", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await db.CreateKeyAsync(owner, "through-today", ApiKeyExpiration.Date, DateOnly.FromDateTime(TestClock.Start.UtcDateTime));
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var rotated = await db.CreateKeyAsync(owner, "rotated");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var revoked = await db.CreateKeyAsync(owner, "revoked");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var successor = (await db.Keys.RotateAsync(owner, rotated.Key.Id, RotationGrace.OneHour)).Value!;
        await db.Keys.RevokeAsync(owner, revoked.Key.Id, "no longer used");

        db.Clock.Advance(TimeSpan.FromDays(24));
        var statuses = (await db.Keys.ListAsync(owner)).ToDictionary(k => k.Id, k => (k.Status, k.StillWorks));

        Assert.Equal((ApiKeyStatus.Active, true), statuses[active.Key.Id]);
        Assert.Equal((ApiKeyStatus.ExpiresSoon, true), statuses[soon.Key.Id]);
        Assert.Equal((ApiKeyStatus.Expired, false), statuses[expired.Key.Id]);
        Assert.Equal((ApiKeyStatus.Rotated, false), statuses[rotated.Key.Id]);
        Assert.Equal((ApiKeyStatus.Revoked, false), statuses[revoked.Key.Id]);
        Assert.Equal((ApiKeyStatus.Active, true), statuses[successor.Key.Id]);
        Assert.Equal(6, statuses.Count);
    }

    [Fact]
    public async Task Key_expires_soon_from_seven_days_before_its_expiry()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "thirty-days", ApiKeyExpiration.Days30);

        db.Clock.Advance(TimeSpan.FromDays(23) - TimeSpan.FromSeconds(1));
        Assert.Equal(ApiKeyStatus.Active, Assert.Single(await db.Keys.ListAsync(owner)).Status);

        db.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ApiKeyStatus.ExpiresSoon, Assert.Single(await db.Keys.ListAsync(owner)).Status);
        Assert.True((await db.Keys.GetAsync(owner, key.Key.Id))!.StillWorks);
    }

    [Fact]
    public async Task Key_is_expired_from_the_moment_of_its_expiry()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "thirty-days", ApiKeyExpiration.Days30);

        db.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        var before = (await db.Keys.GetAsync(owner, key.Key.Id))!;
        Assert.Equal(ApiKeyStatus.ExpiresSoon, before.Status);
        Assert.True(before.StillWorks);

        db.Clock.Advance(TimeSpan.FromSeconds(1));
        var after = (await db.Keys.GetAsync(owner, key.Key.Id))!;
        Assert.Equal(ApiKeyStatus.Expired, after.Status);
        Assert.False(after.StillWorks);
    }

    [Fact]
    public async Task Expires_soon_window_follows_the_options()
    {
        await using var db = await TestDatabase.CreateAsync(provider, new ApiKeysOptions { ExpiresSoonWindow = TimeSpan.FromDays(14) });
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "thirty-days", ApiKeyExpiration.Days30);

        db.Clock.Advance(TimeSpan.FromDays(16));

        Assert.Equal(ApiKeyStatus.ExpiresSoon, Assert.Single(await db.Keys.ListAsync(owner)).Status);
    }

    [Fact]
    public async Task Rotated_key_stays_rotated_rather_than_expired_after_its_grace_period()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneHour);

        db.Clock.Advance(TimeSpan.FromDays(40));

        var old = (await db.Keys.GetAsync(owner, key.Key.Id))!;
        Assert.Equal(ApiKeyStatus.Rotated, old.Status);
        Assert.False(old.CanEdit);
        Assert.False(old.CanRevoke);
    }

    [Fact]
    public async Task Revoked_key_stays_listed_as_revoked()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, "leaked");

        db.Clock.Advance(TimeSpan.FromDays(400));

        var listed = Assert.Single(await db.Keys.ListAsync(owner));
        Assert.Equal(ApiKeyStatus.Revoked, listed.Status);
        Assert.Equal("leaked", listed.RevocationReason);
        Assert.True(listed.IsHiddenByDefault);
    }

    public sealed class OnSqlite() : ApiKeyStoreStatusTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreStatusTests(DatabaseProvider.Postgres);
}
