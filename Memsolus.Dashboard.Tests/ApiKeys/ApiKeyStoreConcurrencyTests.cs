using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// One key changed from two tabs: each tab's dialog holds the Version it read. The second change
// is refused with "This key changed; reload." (never an exception that would end the circuit),
// and only the first change is stored.
public abstract class ApiKeyStoreConcurrencyTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Rotate_after_another_tab_rotated_says_the_key_changed()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var seen = (await db.CreateKeyAsync(owner, "agent")).Key;
        Assert.True((await db.Keys.RotateAsync(owner, seen.Id, RotationGrace.OneHour, expectedVersion: seen.Version)).Succeeded);

        var second = await db.Keys.RotateAsync(owner, seen.Id, RotationGrace.Immediately, expectedVersion: seen.Version);

        Assert.Same(ApiKeyStore.Changed, second.Error);
        Assert.Equal(2, (await db.Keys.ListAsync(owner)).Count);
    }

    [Fact]
    public async Task Edit_after_another_tab_edited_says_the_key_changed_and_keeps_the_first_edit()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var seen = (await db.CreateKeyAsync(owner, "agent")).Key;
        Assert.True((await db.Keys.UpdateAsync(owner, seen.Id, new UpdateApiKeyRequest("first-tab", seen.Permissions), expectedVersion: seen.Version)).Succeeded);

        var second = await db.Keys.UpdateAsync(owner, seen.Id, new UpdateApiKeyRequest("second-tab", seen.Permissions), expectedVersion: seen.Version);

        Assert.Same(ApiKeyStore.Changed, second.Error);
        Assert.Equal("first-tab", (await db.Keys.GetAsync(owner, seen.Id))!.Name);
    }

    [Fact]
    public async Task Revoke_after_another_tab_edited_says_the_key_changed_and_the_key_still_works()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var seen = (await db.CreateKeyAsync(owner, "agent")).Key;
        Assert.True((await db.Keys.UpdateAsync(owner, seen.Id, new UpdateApiKeyRequest("renamed", seen.Permissions), expectedVersion: seen.Version)).Succeeded);

        var revoke = await db.Keys.RevokeAsync(owner, seen.Id, "leaked", expectedVersion: seen.Version);

        Assert.Same(ApiKeyStore.Changed, revoke.Error);
        Assert.True((await db.Keys.GetAsync(owner, seen.Id))!.StillWorks);
    }

    [Fact]
    public async Task Rotate_after_another_tab_revoked_says_the_key_changed()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var seen = (await db.CreateKeyAsync(owner, "agent")).Key;
        Assert.True((await db.Keys.RevokeAsync(owner, seen.Id, null, expectedVersion: seen.Version)).Succeeded);

        var rotate = await db.Keys.RotateAsync(owner, seen.Id, RotationGrace.OneHour, expectedVersion: seen.Version);

        Assert.Same(ApiKeyStore.Changed, rotate.Error);
        Assert.Single(await db.Keys.ListAsync(owner));
    }

    [Fact]
    public async Task A_summary_carries_the_version_the_next_change_expects()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var created = (await db.CreateKeyAsync(owner, "agent")).Key;

        var listed = Assert.Single(await db.Keys.ListAsync(owner));
        var updated = (await db.Keys.UpdateAsync(owner, created.Id, new UpdateApiKeyRequest("renamed", created.Permissions), expectedVersion: listed.Version)).Value!;

        Assert.Equal((await db.KeyRowAsync(created.Id)).Version, updated.Version);
        Assert.NotEqual(created.Version, updated.Version);
        Assert.True((await db.Keys.RevokeAsync(owner, created.Id, null, expectedVersion: updated.Version)).Succeeded);
    }

    // Tabs that press at the same moment, each from its own context: the database decides, one
    // change wins, and every other one is an answer (never an exception).
    [Theory]
    [InlineData("rotate")]
    [InlineData("edit")]
    [InlineData("revoke")]
    public async Task Simultaneous_changes_from_several_tabs_let_one_win_and_answer_the_rest(string action)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var seen = (await db.CreateKeyAsync(owner, "agent")).Key;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async tab =>
        {
            await Task.Yield();
            return action switch
            {
                "rotate" => (await db.Keys.RotateAsync(owner, seen.Id, RotationGrace.OneHour, expectedVersion: seen.Version)).Error,
                "edit" => (await db.Keys.UpdateAsync(owner, seen.Id, new UpdateApiKeyRequest($"tab-{tab}", seen.Permissions), expectedVersion: seen.Version)).Error,
                _ => (await db.Keys.RevokeAsync(owner, seen.Id, $"tab {tab}", expectedVersion: seen.Version)).Error,
            };
        }));

        Assert.Single(results, error => error is null);
        Assert.All(results.Where(error => error is not null), error => Assert.Same(ApiKeyStore.Changed, error));
        Assert.Equal(action == "rotate" ? 2 : 1, (await db.Keys.ListAsync(owner)).Count);
    }

    public sealed class OnSqlite() : ApiKeyStoreConcurrencyTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreConcurrencyTests(DatabaseProvider.Postgres);
}
