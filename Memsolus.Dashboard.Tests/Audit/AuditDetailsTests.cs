using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Audit;

// "What changed", as a reader of the log sees it, for each event type. The details are written by
// the real services, so these prove the JSON they store and the words it turns into agree.
public abstract class AuditDetailsTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Key_created_names_the_environment_permissions_and_expiry()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        await db.CreateKeyAsync(owner, "staging-agent", environment: ApiKeyEnvironment.Test, permissions: [Permissions.KnowledgeRead]);

        var described = await DescribedAsync(db);

        Assert.Equal(
            [
                "live key, permissions: memory.read, memory.write; expires 2026-04-09 09:30 UTC",
                "test key, permissions: knowledge.read; never expires",
            ],
            described);
    }

    [Fact]
    public async Task Key_updated_says_what_was_renamed_added_and_removed()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "a", permissions: [Permissions.MemoryRead]);

        await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("b", [Permissions.MemoryRead, Permissions.MemoryWrite]));
        await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("b", [Permissions.MemoryWrite]));
        await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("c", [Permissions.KnowledgeRead]));

        var described = (await DescribedAsync(db)).Skip(1);

        Assert.Equal(
            [
                "renamed a → b; added memory.write",
                "removed memory.read",
                "renamed b → c; added knowledge.read; removed memory.write",
            ],
            described);
    }

    [Fact]
    public async Task Key_rotated_names_the_new_key_and_when_the_old_one_stops()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var successor = (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneDay)).Value!;

        Assert.Equal($"replaced by {successor.Key.DisplayKey}; old key stops 2026-03-11 09:30 UTC", (await DescribedAsync(db)).Last());
    }

    [Fact]
    public async Task Rotation_for_the_new_keys_first_use_says_so_and_its_completion_names_the_new_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var successor = (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.FirstUseOfNewKey)).Value!;
        Assert.Equal(1, await db.Keys.RetirePredecessorsAsync(successor.Key.Id));

        Assert.Equal(
            [
                $"replaced by {successor.Key.DisplayKey}; old key stops when the new key is first used",
                $"stopped at the first use of {successor.Key.DisplayKey}, 2026-03-10 09:30 UTC",
            ],
            (await DescribedAsync(db)).TakeLast(2));
    }

    [Fact]
    public async Task Revoking_a_new_key_before_its_first_use_says_the_old_key_is_current_again()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        var successor = (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.FirstUseOfNewKey)).Value!;

        await db.Keys.RevokeAsync(owner, successor.Key.Id, "pasted in a chat");

        Assert.Equal($"revoked by the owner: pasted in a chat; before its first use, so {key.Key.DisplayKey} is the current key again", (await DescribedAsync(db)).Last());
    }

    [Fact]
    public async Task Key_revoked_says_by_whom_and_why()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var withReason = await db.CreateKeyAsync(owner, "production-agent");
        var withoutReason = await db.CreateKeyAsync(owner, "staging-agent");
        var leaked = await db.CreateKeyAsync(owner, "crm-integration");

        await db.Keys.RevokeAsync(owner, withReason.Key.Id, "integration retired");
        await db.Keys.RevokeAsync(owner, withoutReason.Key.Id, reason: null);
        await db.AdminKeys.RevokeAsync(admin, leaked.Key.Id, "found in a public repository");

        Assert.Equal(
            [
                "revoked by the owner: integration retired",
                "revoked by the owner",
                "revoked by an administrator: found in a public repository",
            ],
            (await DescribedAsync(db)).Skip(3));
    }

    [Fact]
    public async Task Key_expired_says_when()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "short-lived", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(31));

        await db.ExpiryRunner.RecordExpiredAsync();

        Assert.Equal("expired 2026-04-09 09:30 UTC", (await DescribedAsync(db)).Last());
    }

    [Fact]
    public async Task Account_keys_revoked_says_how_many_keys_stopped_and_why()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent");
        await db.CreateKeyAsync(owner, "staging-agent");
        await db.CreateKeyAsync(owner, "crm-integration");

        await db.AdminKeys.RevokeAllAsync(admin, owner.UserId, "account compromised");

        Assert.Equal("3 working key(s) revoked by an administrator: account compromised", (await DescribedAsync(db)).Last());
    }

    [Fact]
    public async Task Key_quarantined_and_key_restored_say_by_whom_and_what_works()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        await db.Keys.QuarantineAsync(owner, key.Key.Id);
        await db.Keys.RestoreAsync(owner, key.Key.Id);

        Assert.Equal(
            [
                "quarantined by the owner; only its read permissions work",
                "restored by the owner; all its permissions work again",
            ],
            (await DescribedAsync(db)).Skip(1));
    }

    [Fact]
    public void An_event_without_details_describes_as_nothing()
    {
        Assert.Equal("", AuditDetails.Describe(AuditEventTypes.KeyCreated, null));
        Assert.Equal("", AuditDetails.Describe(AuditEventTypes.KeyRevoked, ""));
    }

    [Theory]
    [InlineData(AuditEventTypes.KeyCreated, "key.created")]
    [InlineData(AuditEventTypes.KeyUpdated, "key.updated")]
    [InlineData(AuditEventTypes.KeyRotated, "key.rotated")]
    [InlineData(AuditEventTypes.KeyRevoked, "key.revoked")]
    [InlineData(AuditEventTypes.KeyExpired, "key.expired")]
    [InlineData(AuditEventTypes.KeyQuarantined, "key.quarantined")]
    [InlineData(AuditEventTypes.KeyRestored, "key.restored")]
    [InlineData(AuditEventTypes.KeysBulkRevoked, "all keys revoked")]
    public void Each_event_type_has_a_label(string eventType, string label) =>
        Assert.Equal(label, AuditDetails.Label(eventType));

    // Every event written so far, oldest first, in words.
    private static async Task<List<string>> DescribedAsync(TestDatabase db) =>
        (await db.AuditEventsAsync()).Select(e => AuditDetails.Describe(e.EventType, e.Details)).ToList();

    public sealed class OnSqlite() : AuditDetailsTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AuditDetailsTests(DatabaseProvider.Postgres);
}
