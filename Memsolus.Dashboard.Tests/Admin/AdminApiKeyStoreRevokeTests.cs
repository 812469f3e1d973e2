using Memsolus.Dashboard.Data;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Admin;

// An administrator revokes a leaked key, or every key of a compromised account, with a reason the
// owner is shown: on their API Keys page and in a notice until they dismiss it.
public abstract class AdminApiKeyStoreRevokeTests(DatabaseProvider provider)
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Revoke_without_a_reason_is_refused_on_the_Reason_field_and_the_key_keeps_working(string? reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        var result = await db.AdminKeys.RevokeAsync(admin, key.Key.Id, reason);

        Assert.False(result.Succeeded);
        Assert.Equal("Reason", result.Error!.Field);
        Assert.Equal("Give a reason: the owner will see it.", result.Error.Message);
        Assert.True((await db.Keys.GetAsync(owner, key.Key.Id))!.StillWorks);
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(UnstorableText.Around), "leaked ", " on github", MemberType = typeof(UnstorableText), DisableDiscoveryEnumeration = true)]
    public async Task Revoke_with_text_that_cannot_be_stored_is_refused_on_the_Reason_field_and_the_key_keeps_working(string reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.AdminKeys.RevokeAsync(admin, key.Key.Id, reason);

        Assert.Equal("Reason", result.Error?.Field);
        Assert.True((await db.Keys.GetAsync(owner, key.Key.Id))!.StillWorks);
        Assert.True((await db.AdminKeys.RevokeAllAsync(admin, owner.UserId, reason)).Error?.Field == "Reason");
        Assert.True((await db.Keys.GetAsync(owner, key.Key.Id))!.StillWorks);
    }

    [Fact]
    public async Task Revoke_with_a_reason_longer_than_500_characters_is_refused_on_the_Reason_field()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.AdminKeys.RevokeAsync(admin, key.Key.Id, new string('r', ApiKeyRules.MaxReasonLength + 1));

        Assert.Equal("Reason", result.Error?.Field);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RevokedAt);
    }

    [Fact]
    public async Task The_owner_sees_the_key_revoked_by_an_administrator_with_the_reason_and_the_time()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        db.Clock.Advance(TimeSpan.FromDays(2));

        var result = await db.AdminKeys.RevokeAsync(admin, key.Key.Id, "  found in a public repository  ");

        Assert.True(result.Succeeded, result.Error?.Message);
        var listed = Assert.Single(await db.Keys.ListAsync(owner));
        Assert.Equal(ApiKeyStatus.Revoked, listed.Status);
        Assert.False(listed.StillWorks);
        Assert.True(listed.RevokedByAdmin);
        Assert.Equal("found in a public repository", listed.RevocationReason);
        Assert.Equal(TestClock.Start.AddDays(2), listed.RevokedAt);
        Assert.Equal(admin.UserId, listed.RevokedBy);
    }

    [Fact]
    public async Task Revoke_writes_a_key_revoked_event_in_the_owners_log_naming_the_administrator_and_reason()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        await db.AdminKeys.RevokeAsync(admin, key.Key.Id, "found in a public repository");

        var revoked = (await db.AuditEventsAsync()).Last();
        Assert.Equal(AuditEventTypes.KeyRevoked, revoked.EventType);
        Assert.Equal(owner.UserId, revoked.OwnerId);
        Assert.Equal(admin.UserId, revoked.ActorId);
        Assert.Equal(admin.UserName, revoked.ActorName);
        Assert.Equal(key.Key.Id, revoked.KeyId);
        Assert.Equal("production-agent", revoked.KeyName);
        Assert.Equal(key.Key.DisplayKey, revoked.KeyDisplay);
        Assert.Equal(TestDatabase.ClientIp, revoked.ClientIp);
        Assert.Equal(TestDatabase.UserAgent, revoked.UserAgent);
        using var details = JsonDocument.Parse(revoked.Details!);
        Assert.Equal("admin", details.RootElement.GetProperty("by").GetString());
        Assert.Equal("found in a public repository", details.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_key_in_its_rotation_grace_period_can_be_revoked_and_stops_at_once()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var old = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RotateAsync(owner, old.Key.Id, RotationGrace.SevenDays);

        var result = await db.AdminKeys.RevokeAsync(admin, old.Key.Id, "the old key leaked");

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(ApiKeyStatus.Revoked, result.Value!.Status);
        Assert.False(result.Value.StillWorks);
    }

    [Fact]
    public async Task Revoking_a_key_that_is_already_revoked_fails_and_keeps_the_first_revocation()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, "integration retired");
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        var result = await db.AdminKeys.RevokeAsync(admin, key.Key.Id, "found in a public repository");

        Assert.Equal("This key is already revoked.", result.Error?.Message);
        var row = await db.KeyRowAsync(key.Key.Id);
        Assert.False(row.RevokedByAdmin);
        Assert.Equal("integration retired", row.RevocationReason);
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Revoking_a_key_that_does_not_exist_is_not_found()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();

        var result = await db.AdminKeys.RevokeAsync(admin, Guid.NewGuid(), "found in a public repository");

        Assert.Equal(ApiKeyErrorKind.NotFound, result.Error?.Kind);
    }

    [Fact]
    public async Task The_owner_is_told_of_admin_revocations_until_they_acknowledge_them()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var leaked = await db.CreateKeyAsync(owner, "production-agent");
        var retired = await db.CreateKeyAsync(owner, "staging-agent");
        await db.Keys.RevokeAsync(owner, retired.Key.Id, "integration retired");
        await db.AdminKeys.RevokeAsync(admin, leaked.Key.Id, "found in a public repository");

        var unseen = Assert.Single(await db.Keys.UnseenAdminRevocationsAsync(owner));
        Assert.Equal(leaked.Key.Id, unseen.Id);
        Assert.Equal("found in a public repository", unseen.RevocationReason);
        // Still there on a second visit: only acknowledging clears it.
        Assert.Single(await db.Keys.UnseenAdminRevocationsAsync(owner));

        await db.Keys.AcknowledgeAdminRevocationsAsync(owner);

        Assert.Empty(await db.Keys.UnseenAdminRevocationsAsync(owner));
        var listed = Assert.Single(await db.Keys.ListAsync(owner), k => k.Id == leaked.Key.Id);
        Assert.True(listed.RevokedByAdmin);
        Assert.Equal("found in a public repository", listed.RevocationReason);
    }

    [Fact]
    public async Task A_later_admin_revocation_is_told_again_after_an_earlier_one_was_acknowledged()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var first = await db.CreateKeyAsync(owner, "production-agent");
        var second = await db.CreateKeyAsync(owner, "crm-integration");
        await db.AdminKeys.RevokeAsync(admin, first.Key.Id, "found in a public repository");
        await db.Keys.AcknowledgeAdminRevocationsAsync(owner);

        await db.AdminKeys.RevokeAsync(admin, second.Key.Id, "found in a pastebin");

        var unseen = Assert.Single(await db.Keys.UnseenAdminRevocationsAsync(owner));
        Assert.Equal(second.Key.Id, unseen.Id);
    }

    [Fact]
    public async Task An_owner_is_told_only_of_their_own_keys_and_acknowledging_clears_only_their_own()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var aliceKey = await db.CreateKeyAsync(alice, "production-agent");
        var bobKey = await db.CreateKeyAsync(bob, "production-agent");
        await db.AdminKeys.RevokeAsync(admin, aliceKey.Key.Id, "found in a public repository");
        await db.AdminKeys.RevokeAsync(admin, bobKey.Key.Id, "found in a pastebin");

        await db.Keys.AcknowledgeAdminRevocationsAsync(alice);

        Assert.Empty(await db.Keys.UnseenAdminRevocationsAsync(alice));
        var bobs = Assert.Single(await db.Keys.UnseenAdminRevocationsAsync(bob));
        Assert.Equal(bobKey.Key.Id, bobs.Id);
    }

    [Fact]
    public async Task Revoke_all_stops_every_working_key_of_the_account_and_no_other()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var expired = await db.CreateKeyAsync(alice, "short-lived", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(31));
        var live = await db.CreateKeyAsync(alice, "production-agent");
        var test = await db.CreateKeyAsync(alice, "staging-agent", environment: ApiKeyEnvironment.Test);
        var retired = await db.CreateKeyAsync(alice, "retired");
        await db.Keys.RevokeAsync(alice, retired.Key.Id, "integration retired");
        var rotated = await db.CreateKeyAsync(alice, "renewed");
        var successor = (await db.Keys.RotateAsync(alice, rotated.Key.Id, RotationGrace.OneDay)).Value!;
        var bobsKey = await db.CreateKeyAsync(bob, "production-agent");

        var result = await db.AdminKeys.RevokeAllAsync(admin, alice.UserId, "account compromised");

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(4, result.Value!.Revoked);
        Assert.Equal(["production-agent", "renewed", "renewed", "staging-agent"], result.Value.KeyNames.Order(StringComparer.Ordinal));
        var alices = (await db.Keys.ListAsync(alice)).ToDictionary(k => k.Id);
        Assert.All(alices.Values, k => Assert.False(k.StillWorks));
        foreach (var stopped in new[] { live.Key.Id, test.Key.Id, rotated.Key.Id, successor.Key.Id })
        {
            Assert.Equal(ApiKeyStatus.Revoked, alices[stopped].Status);
            Assert.True(alices[stopped].RevokedByAdmin);
            Assert.Equal("account compromised", alices[stopped].RevocationReason);
        }

        // Keys that had already stopped keep the story of how they stopped.
        Assert.Equal(ApiKeyStatus.Expired, alices[expired.Key.Id].Status);
        Assert.Null(alices[expired.Key.Id].RevokedAt);
        Assert.False(alices[retired.Key.Id].RevokedByAdmin);
        Assert.Equal("integration retired", alices[retired.Key.Id].RevocationReason);

        var bobs = Assert.Single(await db.Keys.ListAsync(bob));
        Assert.Equal(bobsKey.Key.Id, bobs.Id);
        Assert.Equal(ApiKeyStatus.Active, bobs.Status);
    }

    [Fact]
    public async Task Revoke_all_writes_one_account_event_and_one_key_revoked_event_per_stopped_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        await db.CreateKeyAsync(alice, "short-lived", ApiKeyExpiration.Days30);
        db.Clock.Advance(TimeSpan.FromDays(31));
        var live = await db.CreateKeyAsync(alice, "production-agent");
        var test = await db.CreateKeyAsync(alice, "staging-agent", environment: ApiKeyEnvironment.Test);
        var retired = await db.CreateKeyAsync(alice, "retired");
        await db.Keys.RevokeAsync(alice, retired.Key.Id, reason: null);
        await db.CreateKeyAsync(bob, "production-agent");
        var before = (await db.AuditEventsAsync()).Select(e => e.Id).ToHashSet();

        await db.AdminKeys.RevokeAllAsync(admin, alice.UserId, "account compromised");

        var written = (await db.AuditEventsAsync()).Where(e => !before.Contains(e.Id)).ToList();
        Assert.All(written, e =>
        {
            Assert.Equal(alice.UserId, e.OwnerId);
            Assert.Equal(admin.UserId, e.ActorId);
            Assert.Equal(admin.UserName, e.ActorName);
            Assert.Equal(db.Clock.GetUtcNow(), e.OccurredAt);
        });

        var perKey = written.Where(e => e.EventType == AuditEventTypes.KeyRevoked).ToList();
        Assert.Equal(new HashSet<Guid> { live.Key.Id, test.Key.Id }, perKey.Select(e => e.KeyId!.Value).ToHashSet());
        Assert.Equal(2, perKey.Count);
        Assert.All(perKey, e =>
        {
            using var details = JsonDocument.Parse(e.Details!);
            Assert.Equal("admin", details.RootElement.GetProperty("by").GetString());
            Assert.Equal("account compromised", details.RootElement.GetProperty("reason").GetString());
        });

        var account = Assert.Single(written, e => e.EventType == AuditEventTypes.KeysBulkRevoked);
        Assert.Null(account.KeyId);
        using (var details = JsonDocument.Parse(account.Details!))
        {
            Assert.Equal(2, details.RootElement.GetProperty("revoked").GetInt32());
            Assert.Equal("account compromised", details.RootElement.GetProperty("reason").GetString());
        }

        Assert.Equal(3, written.Count);
    }

    // An account allowed hundreds of keys (ApiKeys:MaxActivePerAccount), revoked with the longest
    // reason, every character of which JSON escapes: the account event still fits its details
    // column (on PostgreSQL a longer one failed the whole revocation), and names some of the keys.
    [Fact]
    public async Task Revoke_all_of_more_than_a_hundred_keys_with_the_longest_reason_stops_every_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider, new ApiKeysOptions { MaxActivePerAccount = 1000 });
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        for (var i = 0; i < 120; i++)
        {
            await db.CreateKeyAsync(owner, $"agent-{i}");
        }

        var reason = new string('"', ApiKeyRules.MaxReasonLength);

        var result = await db.AdminKeys.RevokeAllAsync(admin, owner.UserId, reason);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(120, result.Value!.Revoked);
        Assert.All(await db.Keys.ListAsync(owner), k => Assert.Equal(ApiKeyStatus.Revoked, k.Status));
        var events = await db.AuditEventsAsync();
        Assert.Equal(120, events.Count(e => e.EventType == AuditEventTypes.KeyRevoked));
        var account = Assert.Single(events, e => e.EventType == AuditEventTypes.KeysBulkRevoked);
        using var details = JsonDocument.Parse(account.Details!);
        Assert.Equal(120, details.RootElement.GetProperty("revoked").GetInt32());
        Assert.Equal(reason, details.RootElement.GetProperty("reason").GetString());
        Assert.Equal(AdminApiKeyStore.MaxKeysInDetails, details.RootElement.GetProperty("keys").GetArrayLength());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Revoke_all_without_a_reason_is_refused_on_the_Reason_field_and_nothing_changes(string? reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent");
        await db.CreateKeyAsync(owner, "staging-agent");
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        var result = await db.AdminKeys.RevokeAllAsync(admin, owner.UserId, reason);

        Assert.Equal("Reason", result.Error?.Field);
        Assert.All(await db.Keys.ListAsync(owner), k => Assert.True(k.StillWorks));
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Revoke_all_of_an_account_that_does_not_exist_is_not_found_and_writes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent");
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        var result = await db.AdminKeys.RevokeAllAsync(admin, Guid.NewGuid().ToString(), "account compromised");

        Assert.Equal(ApiKeyErrorKind.NotFound, result.Error?.Kind);
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Every_key_stopped_by_revoke_all_is_named_in_the_owners_notice()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var live = await db.CreateKeyAsync(owner, "production-agent");
        var test = await db.CreateKeyAsync(owner, "staging-agent", environment: ApiKeyEnvironment.Test);

        await db.AdminKeys.RevokeAllAsync(admin, owner.UserId, "account compromised");

        var unseen = await db.Keys.UnseenAdminRevocationsAsync(owner);
        Assert.Equal(new HashSet<Guid> { live.Key.Id, test.Key.Id }, unseen.Select(k => k.Id).ToHashSet());
        Assert.Equal(2, unseen.Count);
        Assert.All(unseen, k => Assert.Equal("account compromised", k.RevocationReason));
    }

    public sealed class OnSqlite() : AdminApiKeyStoreRevokeTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AdminApiKeyStoreRevokeTests(DatabaseProvider.Postgres);
}
