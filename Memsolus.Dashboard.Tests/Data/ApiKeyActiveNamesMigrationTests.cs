using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Data.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Memsolus.Dashboard.Tests.Data;

// The data step of the ApiKeyActiveNames migration, on each provider's own migration: keys that
// raced past the old name check and share a name. The database is taken back to the migration
// before, the duplicate written as it could have been then, and migrated again: the newest key
// keeps the name, the older ones are renamed "<name> (<id prefix>)", every key still works, and
// the unique index on active names is in place.
public abstract class ApiKeyActiveNamesMigrationTests(DatabaseProvider provider)
{
    private const string Migration = "ApiKeyActiveNames";

    [Fact]
    public async Task Keys_sharing_an_active_name_are_renamed_except_the_newest_and_the_index_is_built()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var other = await db.AddOwnerAsync("other");
        var oldest = (await db.CreateKeyAsync(owner, "agent")).Key;
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var older = (await db.CreateKeyAsync(owner, "agent-2")).Key;
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var newest = (await db.CreateKeyAsync(owner, "agent-3")).Key;
        var revoked = (await db.CreateKeyAsync(owner, "agent-4")).Key;
        Assert.True((await db.Keys.RevokeAsync(owner, revoked.Id, null)).Succeeded);
        var othersKey = (await db.CreateKeyAsync(other, "agent")).Key;

        await using (var context = MigrationContext(db))
        {
            await context.GetService<IMigrator>().MigrateAsync(PreviousMigration(context));
            foreach (var id in new[] { older.Id, newest.Id, revoked.Id })
            {
                await SetNameAsync(context, id, id == newest.Id ? "AGENT" : "agent");
            }

            await context.Database.MigrateAsync();
        }

        Assert.Equal($"agent ({oldest.Id:N}"[..15] + ")", (await db.KeyRowAsync(oldest.Id)).Name);
        Assert.Equal($"agent ({older.Id:N}"[..15] + ")", (await db.KeyRowAsync(older.Id)).Name);
        Assert.Equal("AGENT", (await db.KeyRowAsync(newest.Id)).Name);
        Assert.Equal("agent", (await db.KeyRowAsync(revoked.Id)).Name);
        Assert.Equal("agent", (await db.KeyRowAsync(othersKey.Id)).Name);
        Assert.Equal(ApiKey.Normalize("AGENT"), (await db.KeyRowAsync(newest.Id)).ActiveName);
        Assert.Null((await db.KeyRowAsync(revoked.Id)).ActiveName);
        Assert.All((await db.Keys.ListAsync(owner)).Where(k => k.Id != revoked.Id), k => Assert.True(k.StillWorks));

        await using var check = MigrationContext(db);
        var duplicate = await check.ApiKeys.AsTracking().SingleAsync(k => k.Id == older.Id);
        duplicate.ActiveName = ApiKey.Normalize("AGENT");
        await Assert.ThrowsAsync<DbUpdateException>(() => check.SaveChangesAsync());
    }

    // The migration each provider's history holds: SQLite's on ApplicationDbContext, PostgreSQL's
    // on PostgresDbContext (Data/Postgres/Migrations).
    private ApplicationDbContext MigrationContext(TestDatabase db) =>
        provider == DatabaseProvider.Postgres ? new PostgresDbContext(db.ContextOptions) : new ApplicationDbContext(db.ContextOptions);

    private static string PreviousMigration(ApplicationDbContext context)
    {
        var migrations = context.Database.GetMigrations().ToList();
        var index = migrations.FindIndex(m => m.EndsWith($"_{Migration}", StringComparison.Ordinal));
        Assert.True(index > 0, $"No migration named {Migration}");
        return migrations[index - 1];
    }

    // The name as a key stored before the migration held it (the column ActiveName is gone then).
    private static async Task SetNameAsync(ApplicationDbContext context, Guid id, string name)
    {
        var changed = await context.Database.ExecuteSqlAsync(
            $"""UPDATE "ApiKeys" SET "Name" = {name}, "NormalizedName" = {ApiKey.Normalize(name)} WHERE "Id" = {id}""");
        Assert.Equal(1, changed);
    }

    public sealed class OnSqlite() : ApiKeyActiveNamesMigrationTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyActiveNamesMigrationTests(DatabaseProvider.Postgres);
}
