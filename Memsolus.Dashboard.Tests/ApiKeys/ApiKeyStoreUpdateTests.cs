using Memsolus.Dashboard.Data;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public abstract class ApiKeyStoreUpdateTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Edit_renames_the_key_and_changes_its_permissions()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", permissions: [Permissions.MemoryRead, Permissions.MemoryWrite]);

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("  crm-integration ", [Permissions.KnowledgeRead, Permissions.MemoryRead]));

        Assert.True(result.Succeeded, result.Error?.Message);
        var stored = (await db.Keys.GetAsync(owner, key.Key.Id))!;
        Assert.Equal("crm-integration", stored.Name);
        Assert.Equal([Permissions.MemoryRead, Permissions.KnowledgeRead], stored.Permissions);
        Assert.Equal(key.Key.DisplayKey, stored.DisplayKey);
        Assert.Equal(ApiKeyStatus.Active, stored.Status);
    }

    [Fact]
    public async Task Edit_writes_a_key_updated_event_saying_what_changed()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", permissions: [Permissions.MemoryRead, Permissions.MemoryWrite]);
        db.Clock.Advance(TimeSpan.FromHours(2));

        await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("crm-integration", [Permissions.MemoryRead, Permissions.KnowledgeRead, Permissions.WebhookRead]));

        var updated = (await db.AuditEventsAsync()).Last();
        Assert.Equal(AuditEventTypes.KeyUpdated, updated.EventType);
        Assert.Equal(key.Key.Id, updated.KeyId);
        Assert.Equal("crm-integration", updated.KeyName);
        Assert.Equal(TestClock.Start.AddHours(2), updated.OccurredAt);
        using var details = JsonDocument.Parse(updated.Details!);
        var root = details.RootElement;
        Assert.Equal("production-agent", root.GetProperty("name").GetProperty("from").GetString());
        Assert.Equal("crm-integration", root.GetProperty("name").GetProperty("to").GetString());
        Assert.Equal([Permissions.KnowledgeRead, Permissions.WebhookRead], Strings(root.GetProperty("permissionsAdded")));
        Assert.Equal([Permissions.MemoryWrite], Strings(root.GetProperty("permissionsRemoved")));
    }

    [Fact]
    public async Task Permission_only_edit_records_no_rename()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", permissions: [Permissions.MemoryRead]);

        await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("production-agent", [Permissions.MemoryRead, Permissions.ExportRead]));

        var updated = (await db.AuditEventsAsync()).Last();
        using var details = JsonDocument.Parse(updated.Details!);
        var root = details.RootElement;
        Assert.False(root.TryGetProperty("name", out var name) && name.ValueKind != JsonValueKind.Null);
        Assert.Equal([Permissions.ExportRead], Strings(root.GetProperty("permissionsAdded")));
        Assert.Empty(Strings(root.GetProperty("permissionsRemoved")));
    }

    [Fact]
    public async Task Edit_that_changes_nothing_writes_no_event()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", permissions: [Permissions.MemoryRead, Permissions.MemoryWrite]);

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest(" production-agent ", [Permissions.MemoryWrite, Permissions.MemoryRead]));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Single(await db.AuditEventsAsync());
    }

    [Fact]
    public async Task Edit_may_change_only_the_case_of_the_keys_own_name()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("Production-Agent", TestDatabase.SomePermissions));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("Production-Agent", result.Value!.Name);
    }

    [Fact]
    public async Task Edit_to_the_name_of_another_active_key_is_rejected_on_the_name_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent");
        var other = await db.CreateKeyAsync(owner, "crm-integration");

        var result = await db.Keys.UpdateAsync(owner, other.Key.Id, new UpdateApiKeyRequest("PRODUCTION-agent", TestDatabase.SomePermissions));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("Name", result.Error?.Field);
        Assert.Equal("crm-integration", (await db.KeyRowAsync(other.Key.Id)).Name);
        Assert.Equal(2, (await db.AuditEventsAsync()).Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Edit_to_an_empty_name_is_rejected_on_the_name_field(string name)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest(name, TestDatabase.SomePermissions));

        Assert.Equal("Name", result.Error?.Field);
        Assert.Equal("production-agent", (await db.KeyRowAsync(key.Key.Id)).Name);
    }

    [Fact]
    public async Task Edit_removing_every_permission_is_rejected_on_the_permissions_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("production-agent", []));

        Assert.Equal("Permissions", result.Error?.Field);
        Assert.Equal(TestDatabase.SomePermissions, (await db.KeyRowAsync(key.Key.Id)).Permissions);
    }

    [Fact]
    public async Task Revoked_key_cannot_be_edited()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, null);

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed", [Permissions.DashboardRead]));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("production-agent", (await db.KeyRowAsync(key.Key.Id)).Name);
        Assert.DoesNotContain(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyUpdated);
    }

    [Fact]
    public async Task Rotated_key_cannot_be_edited_even_during_its_grace_period()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.SevenDays);

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed", [Permissions.DashboardRead]));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("production-agent", (await db.KeyRowAsync(key.Key.Id)).Name);
        Assert.DoesNotContain(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyUpdated);
    }

    [Fact]
    public async Task Expired_key_cannot_be_edited()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(30));

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed", [Permissions.DashboardRead]));

        Assert.Equal(ApiKeyErrorKind.Invalid, result.Error?.Kind);
        Assert.Equal("production-agent", (await db.KeyRowAsync(key.Key.Id)).Name);
    }

    [Fact]
    public async Task Key_that_expires_soon_can_still_be_edited()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(29));

        var result = await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed", TestDatabase.SomePermissions));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(ApiKeyStatus.ExpiresSoon, result.Value!.Status);
    }

    private static List<string?> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];

    public sealed class OnSqlite() : ApiKeyStoreUpdateTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreUpdateTests(DatabaseProvider.Postgres);
}
