using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// The key limit and the one-active-key-per-name rule hold when many writes for one owner run at
// once: the store serialises an owner's creates, renames and rotations, and a unique index on the
// active names stands behind it. Every refusal is the store's own error, never an exception.
public abstract class ApiKeyStoreRaceTests(DatabaseProvider provider)
{
    private const int Parallel = 60;

    [Fact]
    public async Task Sixty_parallel_creates_leave_exactly_the_limit_of_active_keys_and_refuse_the_rest_with_the_limit()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var limit = db.KeyOptions.MaxActivePerAccount;

        var results = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => Task.Run(() => db.Keys.CreateAsync(owner, TestDatabase.Request($"agent-{i}")))));

        Assert.Equal(limit, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ApiKeyErrorKind.LimitReached, r.Error!.Kind));
        Assert.Equal(limit, (await db.Keys.ListAsync(owner)).Count(k => k.Status == ApiKeyStatus.Active));
        Assert.Equal(limit, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Sixty_parallel_creates_of_one_name_in_any_case_or_normal_form_leave_one_active_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        string[] spellings = ["Café", "CAFÉ", "cafe\u0301", "Cafe\u0301"];

        var results = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => Task.Run(() => db.Keys.CreateAsync(owner, TestDatabase.Request(spellings[i % spellings.Length])))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r =>
        {
            Assert.Equal(ApiKeyErrorKind.Invalid, r.Error!.Kind);
            Assert.Equal("Name", r.Error.Field);
            Assert.Contains("already have an active key named", r.Error.Message, StringComparison.Ordinal);
        });
        Assert.Equal(1, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Sixty_parallel_creates_over_ten_names_never_leave_two_active_keys_with_one_name()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => Task.Run(() => db.Keys.CreateAsync(owner, TestDatabase.Request($"shared-{i % 10}")))));

        Assert.Equal(10, results.Count(r => r.Succeeded));
        var names = (await db.Keys.ListAsync(owner)).Select(k => k.Name).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
    }

    [Fact]
    public async Task Parallel_renames_of_many_keys_to_one_name_let_exactly_one_through()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var keys = new List<CreatedApiKey>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add(await db.CreateKeyAsync(owner, $"key-{i}"));
        }

        var results = await Task.WhenAll(keys.Select(k => Task.Run(() => db.Keys.UpdateAsync(owner, k.Key.Id, new UpdateApiKeyRequest("Production", TestDatabase.SomePermissions)))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal("Name", r.Error!.Field));
        Assert.Single(await db.Keys.ListAsync(owner), k => k.Name == "Production");
    }

    [Fact]
    public async Task Parallel_rotations_of_one_key_leave_one_successor_holding_the_name()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "rotated");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneHour)).Succeeded;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Two tabs rotating one key at once are answered elsewhere; here only the names count.
                return false;
            }
        })));

        Assert.Single(results, succeeded => succeeded);
        var list = await db.Keys.ListAsync(owner);
        Assert.Single(list, k => k.Name == "rotated" && k.Status == ApiKeyStatus.Active);
        Assert.Equal(2, list.Count);
    }

    [Fact]
    public async Task A_rotated_key_hands_its_name_to_its_successor_and_the_name_stays_taken()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "deploy");

        var successor = await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneDay);

        Assert.True(successor.Succeeded, successor.Error?.Message);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).ActiveName);
        Assert.Equal("DEPLOY", (await db.KeyRowAsync(successor.Value!.Key.Id)).ActiveName);
        Assert.Equal("Name", (await db.Keys.CreateAsync(owner, TestDatabase.Request("deploy"))).Error?.Field);
    }

    [Theory]
    [InlineData("revoked by its owner")]
    [InlineData("revoked by an administrator")]
    [InlineData("expired")]
    public async Task A_name_a_key_no_longer_holds_can_be_taken_again(string how)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "reused", how == "expired" ? ApiKeyExpiration.Days30 : ApiKeyExpiration.Never);
        switch (how)
        {
            case "revoked by its owner":
                Assert.True((await db.Keys.RevokeAsync(owner, old.Key.Id, null)).Succeeded);
                break;
            case "revoked by an administrator":
                var admin = await db.AddAdminAsync();
                Assert.True((await db.AdminKeys.RevokeAsync(admin, old.Key.Id, "leaked")).Succeeded);
                break;
            default:
                db.Clock.Advance(TimeSpan.FromDays(31));
                break;
        }

        var again = await db.Keys.CreateAsync(owner, TestDatabase.Request("Reused"));

        Assert.True(again.Succeeded, again.Error?.Message);
        Assert.Null((await db.KeyRowAsync(old.Key.Id)).ActiveName);
    }

    [Fact]
    public async Task A_name_the_index_refuses_is_answered_as_a_name_in_use_not_an_exception()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var other = await db.CreateKeyAsync(owner, "other");
        // A row that holds "TAKEN" without the store knowing it by name: only the index can refuse.
        await using (var context = db.CreateContext())
        {
            await context.ApiKeys.Where(k => k.Id == other.Key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.ActiveName, "TAKEN"));
        }

        var result = await db.Keys.CreateAsync(owner, TestDatabase.Request("taken"));

        Assert.False(result.Succeeded);
        Assert.Equal("Name", result.Error!.Field);
        Assert.Equal(1, await db.KeyCountAsync());
    }

    [Fact]
    public async Task The_database_refuses_two_keys_of_one_owner_holding_one_name()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var first = await db.CreateKeyAsync(owner, "first");
        var second = await db.CreateKeyAsync(owner, "second");

        await using var context = db.CreateContext();
        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => context.ApiKeys
            .Where(k => k.Id == second.Key.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ActiveName, "FIRST")));
        Assert.NotNull(error);
        Assert.Equal("FIRST", (await db.KeyRowAsync(first.Key.Id)).ActiveName);
    }

    [Fact]
    public async Task Two_owners_may_each_have_an_active_key_of_one_name()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");

        await db.CreateKeyAsync(alice, "production");
        await db.CreateKeyAsync(bob, "production");

        Assert.Equal(2, await db.KeyCountAsync());
    }

    [Fact]
    public async Task The_nfd_spelling_of_a_name_is_stored_as_nfc_and_refused_beside_its_nfc_twin()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var decomposed = await db.CreateKeyAsync(owner, "cafe\u0301");
        var composed = await db.Keys.CreateAsync(owner, TestDatabase.Request("caf\u00e9"));

        Assert.Equal("caf\u00e9", decomposed.Key.Name);
        Assert.Equal("caf\u00e9", (await db.KeyRowAsync(decomposed.Key.Id)).Name);
        Assert.Equal("Name", composed.Error?.Field);
        Assert.Contains("already have an active key named", composed.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil\u202Egnp.exe")]
    [InlineData("a\u200Bb")]
    [InlineData("\u2066isolated\u2069")]
    [InlineData("mark\u200E")]
    [InlineData("bom\uFEFF")]
    [InlineData("soft\u00ADhyphen")]
    public async Task A_name_with_an_invisible_format_character_is_refused_and_nothing_is_stored(string name)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "plain");

        var created = await db.Keys.CreateAsync(owner, TestDatabase.Request(name));
        var renamed = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest(name, TestDatabase.SomePermissions));

        Assert.Equal("Name", created.Error?.Field);
        Assert.Contains("invisible formatting characters", created.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("Name", renamed.Error?.Field);
        Assert.Equal(1, await db.KeyCountAsync());
        Assert.Equal("plain", (await db.KeyRowAsync(key.Key.Id)).Name);
    }

    public sealed class OnSqlite() : ApiKeyStoreRaceTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreRaceTests(DatabaseProvider.Postgres);
}
