using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Another owner's key id is "not found" to every method, changes nothing and leaves no trace.
public abstract class ApiKeyStoreOwnershipTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Another_owner_cannot_get_a_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var mallory = await db.AddOwnerAsync("mallory");
        var key = await db.CreateKeyAsync(alice, "production-agent");

        Assert.Null(await db.Keys.GetAsync(mallory, key.Key.Id));
        Assert.NotNull(await db.Keys.GetAsync(alice, key.Key.Id));
    }

    [Fact]
    public async Task Another_owner_cannot_edit_a_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var mallory = await db.AddOwnerAsync("mallory");
        var key = await db.CreateKeyAsync(alice, "production-agent");
        var before = await db.KeyRowAsync(key.Key.Id);

        var result = await db.Keys.UpdateAsync(mallory, key.Key.Id, new UpdateApiKeyRequest("pwned", [.. Permissions.All.Select(p => p.Name)]));

        Assert.Equal(ApiKeyErrorKind.NotFound, result.Error?.Kind);
        var after = await db.KeyRowAsync(key.Key.Id);
        Assert.Equal("production-agent", after.Name);
        Assert.Equal(before.Permissions, after.Permissions);
        Assert.Equal(before.Version, after.Version);
        Assert.Single(await db.AuditEventsAsync());
    }

    [Fact]
    public async Task Another_owner_cannot_rotate_a_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var mallory = await db.AddOwnerAsync("mallory");
        var key = await db.CreateKeyAsync(alice, "production-agent");

        var result = await db.Keys.RotateAsync(mallory, key.Key.Id, RotationGrace.Immediately);

        Assert.Equal(ApiKeyErrorKind.NotFound, result.Error?.Kind);
        Assert.Null(result.Value);
        var after = await db.KeyRowAsync(key.Key.Id);
        Assert.Null(after.RotatedToId);
        Assert.Null(after.ExpiresAt);
        Assert.Equal(1, await db.KeyCountAsync());
        Assert.Single(await db.AuditEventsAsync());
        Assert.Equal(ApiKeyStatus.Active, (await db.Keys.GetAsync(alice, key.Key.Id))!.Status);
    }

    [Fact]
    public async Task Another_owner_cannot_revoke_a_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var mallory = await db.AddOwnerAsync("mallory");
        var key = await db.CreateKeyAsync(alice, "production-agent");

        var result = await db.Keys.RevokeAsync(mallory, key.Key.Id, "because");

        Assert.Equal(ApiKeyErrorKind.NotFound, result.Error?.Kind);
        var after = await db.KeyRowAsync(key.Key.Id);
        Assert.Null(after.RevokedAt);
        Assert.Null(after.RevocationReason);
        Assert.Single(await db.AuditEventsAsync());
        Assert.True((await db.Keys.GetAsync(alice, key.Key.Id))!.StillWorks);
    }

    [Fact]
    public async Task Unknown_key_id_is_not_found()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var id = Guid.NewGuid();

        Assert.Null(await db.Keys.GetAsync(alice, id));
        Assert.Equal(ApiKeyErrorKind.NotFound, (await db.Keys.UpdateAsync(alice, id, new UpdateApiKeyRequest("x", TestDatabase.SomePermissions))).Error?.Kind);
        Assert.Equal(ApiKeyErrorKind.NotFound, (await db.Keys.RotateAsync(alice, id, RotationGrace.OneHour)).Error?.Kind);
        Assert.Equal(ApiKeyErrorKind.NotFound, (await db.Keys.RevokeAsync(alice, id, null)).Error?.Kind);
        Assert.Empty(await db.AuditEventsAsync());
    }

    [Fact]
    public async Task List_shows_only_the_callers_keys_newest_first()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        await db.CreateKeyAsync(alice, "alice-first");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        await db.CreateKeyAsync(bob, "bob-only");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        await db.CreateKeyAsync(alice, "alice-second");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        await db.CreateKeyAsync(alice, "alice-third");

        var alices = await db.Keys.ListAsync(alice);
        var bobs = await db.Keys.ListAsync(bob);

        Assert.Equal(["alice-third", "alice-second", "alice-first"], alices.Select(k => k.Name));
        Assert.Equal(["bob-only"], bobs.Select(k => k.Name));
    }

    [Fact]
    public async Task List_of_an_owner_without_keys_is_empty()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        await db.CreateKeyAsync(alice, "production-agent");

        Assert.Empty(await db.Keys.ListAsync(bob));
    }

    public sealed class OnSqlite() : ApiKeyStoreOwnershipTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreOwnershipTests(DatabaseProvider.Postgres);
}
