using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): key names, the one text an owner gives a
// key. Through the key service, which the dashboard's dialogs call, on both providers: a name is
// either refused with a message on the Name field and nothing stored (for create and rename
// alike), or stored exactly as given (trimmed, in NFC) and read back the same. How the dashboard
// shows them is in DashboardAttackTests.
public abstract class KeyNameAttackTests(DatabaseProvider provider)
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("\"><svg onload=alert(1)>")]
    [InlineData("{{7*7}} @(1+1) ${1}")]
    public async Task Markup_in_a_key_name_is_stored_verbatim(string name)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var key = await db.CreateKeyAsync(owner, name);

        Assert.Equal(name, key.Key.Name);
        Assert.Equal(name, (await db.KeyRowAsync(key.Key.Id)).Name);
        Assert.Equal(name, Assert.Single(await db.Keys.ListAsync(owner)).Name);
    }

    // Made in the test from its name: xunit would turn an unpaired surrogate in theory data into U+FFFD.
    [Theory]
    [InlineData("empty")]
    [InlineData("blank")]
    [InlineData("10k characters")]
    [InlineData("over 32 KB")]
    [InlineData("U+202E")]
    [InlineData("zero-width space")]
    [InlineData("zero-width joiner")]
    [InlineData("NUL")]
    [InlineData("unpaired surrogate")]
    public async Task Name_edge_case_is_refused_on_the_name_field_and_nothing_is_stored(string edgeCase)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var existing = await db.CreateKeyAsync(owner, "plain");

        var name = edgeCase switch
        {
            "empty" => "",
            "blank" => " \t ",
            "10k characters" => new string('a', 10_000),
            "over 32 KB" => new string('\u00e9', 17 * 1024),
            "U+202E" => "invoice\u202Efdp.exe",
            "zero-width space" => "prod\u200Buction",
            "zero-width joiner" => "prod\u200Duction",
            "NUL" => "prod\0uction",
            "unpaired surrogate" => "prod\ud800uction",
            _ => throw new ArgumentOutOfRangeException(nameof(edgeCase)),
        };

        var created = await db.Keys.CreateAsync(owner, TestDatabase.Request(name));
        var renamed = await db.Keys.UpdateAsync(owner, existing.Key.Id, new UpdateApiKeyRequest(name, TestDatabase.SomePermissions));

        Assert.False(created.Succeeded, edgeCase);
        Assert.Equal(ApiKeyErrorKind.Invalid, created.Error!.Kind);
        Assert.Equal("Name", created.Error.Field);
        Assert.False(string.IsNullOrWhiteSpace(created.Error.Message));
        Assert.Equal("Name", renamed.Error?.Field);
        Assert.Equal(1, await db.KeyCountAsync());
        Assert.Equal("plain", (await db.KeyRowAsync(existing.Key.Id)).Name);
    }

    [Fact]
    public async Task Nfc_and_nfd_spellings_are_one_name_stored_as_nfc()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var decomposed = await db.CreateKeyAsync(owner, "Zu\u0308rich");
        var composed = await db.Keys.CreateAsync(owner, TestDatabase.Request("Z\u00fcrich"));

        Assert.Equal("Z\u00fcrich", (await db.KeyRowAsync(decomposed.Key.Id)).Name);
        Assert.Equal("Name", composed.Error?.Field);
        Assert.Contains("already have an active key named", composed.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, await db.KeyCountAsync());
    }

    // Names go to the database as parameters: SQL in a name is text, and LIKE wildcards in one do
    // not make it match another name.
    [Theory]
    [InlineData("'; DROP TABLE \"ApiKeys\"; --")]
    [InlineData("Robert'); DELETE FROM \"AspNetUsers\";--")]
    [InlineData("x' OR '1'='1")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("a\\' --")]
    [InlineData("$1; SELECT pg_sleep(10)")]
    public async Task Sql_like_names_are_stored_verbatim(string name)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var other = await db.CreateKeyAsync(owner, "other-key");

        var key = await db.CreateKeyAsync(owner, name);
        var lookalike = await db.CreateKeyAsync(owner, name + "x");

        Assert.Equal(name, (await db.KeyRowAsync(key.Key.Id)).Name);
        Assert.Equal(name + "x", (await db.KeyRowAsync(lookalike.Key.Id)).Name);
        Assert.Equal(3, await db.KeyCountAsync());
        Assert.Equal("other-key", (await db.KeyRowAsync(other.Key.Id)).Name);
        Assert.Equal(3, (await db.Keys.ListAsync(owner)).Count);
    }

    public sealed class OnSqlite() : KeyNameAttackTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : KeyNameAttackTests(DatabaseProvider.Postgres);
}
