using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// A key's "Allowed IP addresses" through the store, on both providers: stored canonical, read back,
// changed and cleared by Edit (and recorded in key.updated), kept by Rotate, and refused with a
// message, storing nothing, when the text is not a list of addresses.
public abstract class ApiKeyStoreAllowlistTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Create_stores_the_allowlist_canonical_and_reads_it_back()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = "203.0.113.7\r\n2001:DB8::/32, 192.0.2.0/24,203.0.113.7" });

        Assert.True(created.Succeeded, created.Error?.Message);
        string[] expected = ["203.0.113.7/32", "2001:db8::/32", "192.0.2.0/24"];
        Assert.Equal(expected, created.Value!.Key.AllowedNetworks);
        Assert.Equal(expected, (await db.Keys.GetAsync(owner, created.Value.Key.Id))!.AllowedNetworks);
        Assert.Equal(expected, (await db.KeyRowAsync(created.Value.Key.Id)).AllowedNetworks);

        using var details = JsonDocument.Parse(Assert.Single(await db.AuditEventsAsync()).Details!);
        Assert.Equal(expected, details.RootElement.GetProperty("allowedNetworks").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_key_made_without_an_allowlist_has_an_empty_one()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "anywhere");

        Assert.Empty((await db.KeyRowAsync(created.Key.Id)).AllowedNetworks);
        Assert.Empty((await db.Keys.GetAsync(owner, created.Key.Id))!.AllowedNetworks);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.0.0.5/8")]
    [InlineData("192.0.2.1\0")]
    [InlineData("192.0.2.1\u001b[31m")]
    public async Task Create_with_a_bad_allowlist_is_refused_naming_the_field_and_stores_nothing(string text)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = text });

        Assert.False(created.Succeeded);
        Assert.Equal(ApiKeyErrorKind.Invalid, created.Error!.Kind);
        Assert.Equal(nameof(ApiKey.AllowedNetworks), created.Error.Field);
        Assert.StartsWith("Line 1: ", created.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.KeyCountAsync());
        Assert.Empty(await db.AuditEventsAsync());
    }

    [Fact]
    public async Task Fifty_one_entries_or_a_huge_text_are_refused_and_nothing_is_stored()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var fiftyOne = string.Join(',', Enumerable.Range(1, 51).Select(i => $"192.0.2.{i}"));

        foreach (var text in new[] { fiftyOne, new string(' ', 10) + new string('9', 100_000) })
        {
            var created = await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = text });
            Assert.Equal(nameof(ApiKey.AllowedNetworks), created.Error?.Field);
        }

        Assert.Equal(0, await db.KeyCountAsync());
    }

    [Fact]
    public async Task Edit_changes_the_allowlist_records_from_and_to_and_an_empty_text_clears_it()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = (await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = "192.0.2.0/24" })).Value!;

        var changed = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("office", TestDatabase.SomePermissions, "198.51.100.0/24\n2001:db8::1"));

        Assert.True(changed.Succeeded, changed.Error?.Message);
        Assert.Equal(["198.51.100.0/24", "2001:db8::1/128"], changed.Value!.AllowedNetworks);
        Assert.Equal(["198.51.100.0/24", "2001:db8::1/128"], (await db.KeyRowAsync(key.Key.Id)).AllowedNetworks);
        var updated = (await db.AuditEventsAsync()).Last();
        Assert.Equal(AuditEventTypes.KeyUpdated, updated.EventType);
        using (var details = JsonDocument.Parse(updated.Details!))
        {
            var networks = details.RootElement.GetProperty("allowedNetworks");
            Assert.Equal(["192.0.2.0/24"], networks.GetProperty("from").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(["198.51.100.0/24", "2001:db8::1/128"], networks.GetProperty("to").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal(
            "allowed IP addresses 192.0.2.0/24 → 198.51.100.0/24, 2001:db8::1/128",
            AuditDetails.Describe(updated.EventType, updated.Details));

        var cleared = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("office", TestDatabase.SomePermissions, "  \n "));

        Assert.True(cleared.Succeeded, cleared.Error?.Message);
        Assert.Empty((await db.KeyRowAsync(key.Key.Id)).AllowedNetworks);
        var clearedEvent = (await db.AuditEventsAsync()).Last();
        Assert.Equal("allowed IP addresses 198.51.100.0/24, 2001:db8::1/128 → any", AuditDetails.Describe(clearedEvent.EventType, clearedEvent.Details));
    }

    [Fact]
    public async Task Edit_without_an_allowlist_leaves_it_and_the_same_list_spelled_differently_is_no_change()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = (await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = "192.0.2.0/24, 2001:db8::1" })).Value!;
        var events = (await db.AuditEventsAsync()).Count;

        var renamed = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("office-2", TestDatabase.SomePermissions));
        Assert.True(renamed.Succeeded, renamed.Error?.Message);
        Assert.Equal(["192.0.2.0/24", "2001:db8::1/128"], (await db.KeyRowAsync(key.Key.Id)).AllowedNetworks);
        using (var details = JsonDocument.Parse((await db.AuditEventsAsync()).Last().Details!))
        {
            Assert.False(details.RootElement.TryGetProperty("allowedNetworks", out var networks) && networks.ValueKind != JsonValueKind.Null);
        }

        var version = (await db.KeyRowAsync(key.Key.Id)).Version;
        var same = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("office-2", TestDatabase.SomePermissions, "192.0.2.0/24\n2001:DB8:0::1/128"));
        Assert.True(same.Succeeded, same.Error?.Message);
        Assert.Equal(version, (await db.KeyRowAsync(key.Key.Id)).Version);
        Assert.Equal(events + 1, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Edit_with_a_bad_allowlist_changes_nothing_not_even_the_name()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = (await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = "192.0.2.0/24" })).Value!;
        var before = await db.KeyRowAsync(key.Key.Id);

        var refused = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed", TestDatabase.SomePermissions, "192.0.2.0/24\nfe80::1%eth0"));

        Assert.Equal(nameof(ApiKey.AllowedNetworks), refused.Error?.Field);
        Assert.Equal("Line 2: \"fe80::1%eth0\" has a zone id (%…); enter the address without it.", refused.Error!.Message);
        var after = await db.KeyRowAsync(key.Key.Id);
        Assert.Equal(("office", before.Version), (after.Name, after.Version));
        Assert.Equal(["192.0.2.0/24"], after.AllowedNetworks);
        Assert.Single(await db.AuditEventsAsync());
    }

    [Fact]
    public async Task Another_owner_cannot_change_a_keys_allowlist()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var stranger = await db.AddOwnerAsync("stranger");
        var key = (await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = "192.0.2.0/24" })).Value!;

        var refused = await db.Keys.UpdateAsync(stranger, key.Key.Id, new UpdateApiKeyRequest("office", TestDatabase.SomePermissions, ""));

        Assert.Equal(ApiKeyErrorKind.NotFound, refused.Error?.Kind);
        Assert.Equal(["192.0.2.0/24"], (await db.KeyRowAsync(key.Key.Id)).AllowedNetworks);
    }

    // Rotation replaces the secret, not the key's restrictions: a successor open to every address,
    // or without the key's rate limit, would undo the owner's settings without a word.
    [Fact]
    public async Task Rotate_gives_the_successor_the_same_allowlist_and_rate_limit()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = (await db.Keys.CreateAsync(owner, TestDatabase.Request("office") with { AllowedNetworks = "192.0.2.0/24,2001:db8::/48", RequestsPerMinute = 120 })).Value!;

        var rotated = await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.Immediately);

        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var successor = await db.KeyRowAsync(rotated.Value!.Key.Id);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/48"], successor.AllowedNetworks);
        Assert.Equal(120, successor.RequestsPerMinute);
    }

    public sealed class OnSqlite() : ApiKeyStoreAllowlistTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreAllowlistTests(DatabaseProvider.Postgres);
}
