using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Names stored before the name rules (NFD spellings, bidi overrides, zero-width characters, NULs),
// written here past the store: the start-up repair rewrites them as the rules store names now, keeps
// the one-active-name rule, and then finds nothing to do.
public abstract class ApiKeyNameRepairTests(DatabaseProvider provider)
{
    private const string Composed = "caf\u00e9";
    private const string Decomposed = "cafe\u0301";

    [Fact]
    public async Task A_decomposed_name_becomes_composed_and_one_name_with_the_composed_spelling()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = (await db.CreateKeyAsync(owner, "agent")).Key;
        await SetNameAsync(db, key.Id, Decomposed);

        Assert.Equal(1, await Repair(db).RepairAsync());

        var row = await db.KeyRowAsync(key.Id);
        Assert.Equal(Composed, row.Name);
        Assert.Equal(ApiKey.Normalize(Composed), row.ActiveName);
        var again = await db.Keys.CreateAsync(owner, TestDatabase.Request(Composed));
        Assert.False(again.Succeeded);
    }

    [Fact]
    public async Task Invisible_and_control_characters_are_removed()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = (await db.CreateKeyAsync(owner, "agent")).Key;
        var blank = (await db.CreateKeyAsync(owner, "blank")).Key;
        await SetNameAsync(db, key.Id, "pay\u202Emoc.evil\u200B\u0007");
        await SetNameAsync(db, blank.Id, "\u200B\u202E");

        Assert.Equal(2, await Repair(db).RepairAsync());

        Assert.Equal("paymoc.evil", (await db.KeyRowAsync(key.Id)).Name);
        Assert.Equal($"key {blank.Id:N}"[..12], (await db.KeyRowAsync(blank.Id)).Name);
    }

    [Fact]
    public async Task A_repaired_name_that_another_active_key_holds_gets_the_key_id_and_both_keys_keep_working()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var composed = await db.CreateKeyAsync(owner, Composed);
        var decomposed = (await db.CreateKeyAsync(owner, "other")).Key;
        await SetNameAsync(db, decomposed.Id, Decomposed);

        Assert.Equal(1, await Repair(db).RepairAsync());

        Assert.Equal(Composed, (await db.KeyRowAsync(composed.Key.Id)).Name);
        var renamed = await db.KeyRowAsync(decomposed.Id);
        Assert.Equal($"{Composed} ({decomposed.Id:N}"[..(Composed.Length + 10)] + ")", renamed.Name);
        Assert.NotEqual(decomposed.Version, renamed.Version);
        Assert.All(await db.Keys.ListAsync(owner), k => Assert.True(k.StillWorks));
    }

    [Fact]
    public async Task Clean_names_are_left_alone_and_a_second_run_changes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var clean = (await db.CreateKeyAsync(owner, Composed)).Key;
        var broken = (await db.CreateKeyAsync(owner, "broken")).Key;
        await SetNameAsync(db, broken.Id, "bro\u200Bken");

        Assert.Equal(1, await Repair(db).RepairAsync());
        Assert.Equal(0, await Repair(db).RepairAsync());

        Assert.Equal(clean.Version, (await db.KeyRowAsync(clean.Id)).Version);
    }

    [Fact]
    public void A_long_name_is_cut_without_splitting_a_surrogate_pair()
    {
        var name = new string('a', ApiKeyRules.MaxNameLength - 1) + "\U0001F600";

        var clean = ApiKeyNameRepairInitializer.CleanName(name, Guid.NewGuid());

        Assert.Equal(new string('a', ApiKeyRules.MaxNameLength - 1), clean);
    }

    private static ApiKeyNameRepairInitializer Repair(TestDatabase db) =>
        new(db.Contexts, NullLogger<ApiKeyNameRepairInitializer>.Instance);

    // Writes a name past the store and its rules, as a key stored before them would hold it.
    private static async Task SetNameAsync(TestDatabase db, Guid id, string name)
    {
        await using var context = db.CreateContext();
        var key = await context.ApiKeys.AsTracking().SingleAsync(k => k.Id == id);
        key.Name = name;
        key.NormalizedName = ApiKey.Normalize(name);
        key.ActiveName = key.NormalizedName;
        await context.SaveChangesAsync();
    }

    public sealed class OnSqlite() : ApiKeyNameRepairTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyNameRepairTests(DatabaseProvider.Postgres);
}
