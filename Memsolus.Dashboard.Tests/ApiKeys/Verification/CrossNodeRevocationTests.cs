using System.Net;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// docs/several-nodes.md: several nodes share one PostgreSQL database, and a change made on one node (revoke,
// rotate, edit, expiry, an administrator disabling the owner's account) is refused or honoured by every other node,
// although each node answers known keys from its own cache. How soon (≤ 1 s) is measured by the
// load check (docs/performance.md), not here: these tests wait for the other node to apply the
// change, with a generous bound, and run alone (SeveralNodesCollection). Node A makes the changes, node B
// must see them; node C runs without the listener, to show what B would do without it; node D
// sweeps once a minute, to show that notifications alone are enough (SharedDatabaseNodes).
[Collection(SeveralNodesCollection.Name)]
public sealed class CrossNodeRevocationTests(SharedDatabaseNodes nodes, ITestOutputHelper output) : IClassFixture<SharedDatabaseNodes>
{
    private const string Me = "/api/v1/me";
    private const string Memories = "/api/v1/memories";

    private ApiKeyStore KeysOnA => nodes.A.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task A_key_revoked_on_one_node_is_refused_by_another()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);

        var revoked = await KeysOnA.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await WaitForStatusAsync(onB, Me, HttpStatusCode.Unauthorized);
    }

    // Expiry needs no message: every node keeps the key's expiry with it in its cache and checks
    // it at each use. A new expiry saved on A reaches B like any change; from that moment on,
    // both nodes refuse the key on their first request. Two nodes of their own on fake clocks
    // (moved together by the test), so the moment of expiry is exact and no test waits for it.
    [Fact]
    public async Task A_key_expiring_is_refused_by_every_node_from_the_moment_it_expires()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync();
        var onTheDatabase = new TestHostOptions { Provider = DatabaseProvider.Postgres, Database = database, FakeClock = true };
        var a = new MemsolusAppFactory(onTheDatabase);
        var b = new MemsolusAppFactory(onTheDatabase);
        try
        {
            _ = a.Server;
            _ = b.Server;
            await SharedDatabaseNodes.WaitUntilAsync(() => SharedDatabaseNodes.Listener(a).IsListening && SharedDatabaseNodes.Listener(b).IsListening, "both nodes to listen");
            var session = await a.NewSessionAsync([Permissions.MemoryRead]);
            var onA = a.ApiClient(session.Key.Secret);
            var onB = b.ApiClient(session.Key.Secret);
            await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
            var hash = new ApiKeyHash(ApiKeyFormat.Hash(session.Key.Secret));

            var expiresAt = a.Clock.GetUtcNow() + TimeSpan.FromHours(1);
            await using (var db = await a.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
            {
                var key = await db.ApiKeys.AsTracking().SingleAsync(k => k.Id == session.Key.Key.Id);
                key.ExpiresAt = expiresAt;
                await db.SaveChangesAsync();
            }

            // B applies the change (drops the key), then both read the new expiry into their
            // caches and answer from them.
            await SharedDatabaseNodes.WaitUntilAsync(() => !b.Services.GetRequiredService<ApiKeyCache>().TryGet(hash, b.Clock.GetUtcNow(), out _), "node B to drop the key");
            await AssertStatusAsync(onA, Me, HttpStatusCode.OK);
            await AssertStatusAsync(onB, Me, HttpStatusCode.OK);

            foreach (var node in new[] { a, b })
            {
                node.Clock.Advance(expiresAt - node.Clock.GetUtcNow() - TimeSpan.FromTicks(1));
            }

            await AssertStatusAsync(onA, Me, HttpStatusCode.OK);
            await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
            foreach (var node in new[] { a, b })
            {
                node.Clock.Advance(TimeSpan.FromTicks(1));
            }

            await AssertStatusAsync(onB, Me, HttpStatusCode.Unauthorized);
            await AssertStatusAsync(onA, Me, HttpStatusCode.Unauthorized);
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    // Node D's sweep is a minute away: only the notification can tell it before the 15 s bound.
    [Fact]
    public async Task A_notification_alone_makes_another_node_refuse_a_revoked_key()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onD = nodes.D.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onD, Me, HttpStatusCode.OK);

        var revoked = await KeysOnA.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await WaitForStatusAsync(onD, Me, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_rotated_on_one_node_is_refused_by_another_while_its_successor_works()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);

        var rotated = await KeysOnA.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.Immediately);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        await WaitForStatusAsync(onB, Me, HttpStatusCode.Unauthorized);

        await AssertStatusAsync(nodes.B.ApiClient(rotated.Value!.Secret), Me, HttpStatusCode.OK);
    }

    // Rotation "When the new key is first used": the old key works on B until the new key's first
    // success on A, then B refuses it too (ApiKeys/FirstUseRetirement).
    [Fact]
    public async Task A_key_waiting_for_its_successor_is_refused_by_another_node_once_the_successor_is_used()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);

        var rotated = await KeysOnA.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        await AssertStatusAsync(nodes.A.ApiClient(session.Key.Secret), Me, HttpStatusCode.OK);

        await AssertStatusAsync(nodes.A.ApiClient(rotated.Value!.Secret), Me, HttpStatusCode.OK);

        await AssertStatusAsync(nodes.A.ApiClient(session.Key.Secret), Me, HttpStatusCode.Unauthorized);
        await WaitForStatusAsync(onB, Me, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(nodes.B.ApiClient(rotated.Value.Secret), Me, HttpStatusCode.OK);
    }

    // The new key's first requests reach both nodes at once: the old key is retired once, with one
    // audit event (the store serialises the retirements and acts only while the key still waits).
    [Fact]
    public async Task First_uses_on_two_nodes_at_once_retire_the_old_key_once()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await KeysOnA.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var clients = new[] { nodes.A.ApiClient(rotated.Value!.Secret), nodes.B.ApiClient(rotated.Value.Secret) };

        var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            using var response = await clients[i % 2].GetAsync(Me);
            return response.StatusCode;
        })));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.KeyId == session.Key.Key.Id && e.EventType == AuditEventTypes.KeyRotationCompleted));
        await WaitForStatusAsync(nodes.B.ApiClient(session.Key.Secret), Me, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(nodes.A.ApiClient(session.Key.Secret), Me, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Permissions_edited_on_one_node_apply_on_another_both_ways()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead, Permissions.KnowledgeRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Memories, HttpStatusCode.OK);

        var removed = await KeysOnA.UpdateAsync(session.Owner, session.Key.Key.Id, new UpdateApiKeyRequest(session.Key.Key.Name, [Permissions.KnowledgeRead]));
        Assert.True(removed.Succeeded, removed.Error?.Message);
        await WaitForStatusAsync(onB, Memories, HttpStatusCode.Forbidden);

        var restored = await KeysOnA.UpdateAsync(session.Owner, session.Key.Key.Id, new UpdateApiKeyRequest(session.Key.Key.Name, [Permissions.KnowledgeRead, Permissions.MemoryRead]));
        Assert.True(restored.Succeeded, restored.Error?.Message);
        await WaitForStatusAsync(onB, Memories, HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_account_disabled_on_one_node_is_refused_by_another_and_enabling_restores_the_key()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        var admin = await NewAdminOnAAsync();
        var accounts = nodes.A.Services.GetRequiredService<AdminAccountStore>();

        var disabled = await accounts.DisableAsync(admin, session.Owner.UserId, "account compromised");
        Assert.True(disabled.Succeeded, disabled.Error?.Message);
        await WaitForStatusAsync(onB, Me, HttpStatusCode.Unauthorized);

        var enabled = await accounts.EnableAsync(admin, session.Owner.UserId);
        Assert.True(enabled.Succeeded, enabled.Error?.Message);
        await WaitForStatusAsync(onB, Me, HttpStatusCode.OK);
    }

    // The change row names the account, not every key: the other nodes flush that owner only.
    [Fact]
    public async Task Disabling_an_account_writes_one_change_naming_the_owner()
    {
        var owner = await nodes.A.NewOwnerAsync("x");
        var lastBefore = await LastChangeIdAsync();

        var disabled = await nodes.A.Services.GetRequiredService<AdminAccountStore>().DisableAsync(await NewAdminOnAAsync(), owner.UserId, "account compromised");
        Assert.True(disabled.Succeeded, disabled.Error?.Message);

        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var row = Assert.Single(await db.ApiKeyChanges.Where(c => c.Id > lastBefore).ToListAsync());
        Assert.Equal(owner.UserId, row.OwnerId);
        Assert.Null(row.SecretHash);
    }

    // X disabled, enabled and deleted on A: B drops X's keys (seen in its cache, no request needed)
    // and answers Y's cached key with no query, before and after; A does the same. No other test
    // leaves an "every key" change on its way (those that write one wait until A and B applied it),
    // so nothing else can drop Y's key meanwhile.
    [Fact]
    public async Task An_account_disabled_enabled_or_deleted_on_one_node_flushes_only_its_keys_on_every_node()
    {
        var x = await nodes.A.NewOwnerAsync("x");
        var y = await nodes.A.NewOwnerAsync("y");
        var xKey = await nodes.A.NewKeyAsync(x, [Permissions.MemoryRead]);
        var yKey = await nodes.A.NewKeyAsync(y, [Permissions.MemoryRead]);
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            await AssertStatusAsync(node.ApiClient(xKey.Secret), Me, HttpStatusCode.OK);
            await AssertStatusAsync(node.ApiClient(yKey.Secret), Me, HttpStatusCode.OK);
        }

        var lookupsOnA = Lookups(nodes.A);
        var lookupsOnB = Lookups(nodes.B);
        var admin = await NewAdminOnAAsync();
        var accounts = nodes.A.Services.GetRequiredService<AdminAccountStore>();

        var disabled = await accounts.DisableAsync(admin, x.UserId, "account compromised");
        Assert.True(disabled.Succeeded, disabled.Error?.Message);
        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.B, xKey), "node B to drop X's key");
        Assert.False(IsCached(nodes.A, xKey));
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            await AssertStatusAsync(node.ApiClient(yKey.Secret), Me, HttpStatusCode.OK);
            await AssertStatusAsync(node.ApiClient(xKey.Secret), Me, HttpStatusCode.Unauthorized);
        }

        // Y's key from memory on both; X's read once more on each.
        Assert.Equal(lookupsOnA + 1, Lookups(nodes.A));
        Assert.Equal(lookupsOnB + 1, Lookups(nodes.B));

        var enabled = await accounts.EnableAsync(admin, x.UserId);
        Assert.True(enabled.Succeeded, enabled.Error?.Message);
        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.B, xKey), "node B to drop X's key again");
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            await AssertStatusAsync(node.ApiClient(xKey.Secret), Me, HttpStatusCode.OK);
            await AssertStatusAsync(node.ApiClient(yKey.Secret), Me, HttpStatusCode.OK);
        }

        Assert.Equal(lookupsOnA + 2, Lookups(nodes.A));
        Assert.Equal(lookupsOnB + 2, Lookups(nodes.B));

        await using (var scope = nodes.A.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var deleted = await users.DeleteAsync((await users.FindByIdAsync(x.UserId))!);
            Assert.True(deleted.Succeeded);
        }

        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.B, xKey), "node B to drop the deleted owner's key");
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            await AssertStatusAsync(node.ApiClient(yKey.Secret), Me, HttpStatusCode.OK);
            await AssertStatusAsync(node.ApiClient(xKey.Secret), Me, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(lookupsOnA + 3, Lookups(nodes.A));
        Assert.Equal(lookupsOnB + 3, Lookups(nodes.B));
    }

    // The sweep reads the owner from the row as the notification carries it.
    [Fact]
    public async Task Without_notifications_the_sweep_flushes_only_the_disabled_owners_keys()
    {
        var x = await nodes.A.NewOwnerAsync("x");
        var y = await nodes.A.NewOwnerAsync("y");
        var xKey = await nodes.A.NewKeyAsync(x, [Permissions.MemoryRead]);
        var yKey = await nodes.A.NewKeyAsync(y, [Permissions.MemoryRead]);
        await AssertStatusAsync(nodes.B.ApiClient(xKey.Secret), Me, HttpStatusCode.OK);
        await AssertStatusAsync(nodes.B.ApiClient(yKey.Secret), Me, HttpStatusCode.OK);
        var admin = await NewAdminOnAAsync();
        var lookupsOnB = Lookups(nodes.B);

        await ExecuteAsync("""ALTER TABLE "ApiKeyChanges" DISABLE TRIGGER "ApiKeyChanges_Notify" """);
        try
        {
            var disabled = await nodes.A.Services.GetRequiredService<AdminAccountStore>().DisableAsync(admin, x.UserId, "account compromised");
            Assert.True(disabled.Succeeded, disabled.Error?.Message);
            await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.B, xKey), "node B's sweep to drop X's key");
        }
        finally
        {
            await ExecuteAsync("""ALTER TABLE "ApiKeyChanges" ENABLE TRIGGER "ApiKeyChanges_Notify" """);
        }

        await AssertStatusAsync(nodes.B.ApiClient(yKey.Secret), Me, HttpStatusCode.OK);
        Assert.Equal(lookupsOnB, Lookups(nodes.B));
        await AssertStatusAsync(nodes.B.ApiClient(xKey.Secret), Me, HttpStatusCode.Unauthorized);
    }

    // Rows written before ApiKeyChanges had an owner, or by another sender: neither hash nor owner
    // still means every key.
    [Fact]
    public async Task A_change_without_hash_or_owner_still_flushes_every_key_on_every_node()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        await AssertStatusAsync(nodes.B.ApiClient(session.Key.Secret), Me, HttpStatusCode.OK);
        Assert.True(IsCached(nodes.B, session.Key));

        await AssertStatusAsync(nodes.A.ApiClient(session.Key.Secret), Me, HttpStatusCode.OK);

        await ExecuteAsync("""INSERT INTO "ApiKeyChanges" ("SecretHash", "OwnerId") VALUES (NULL, NULL)""");

        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.B, session.Key), "node B to drop every key");
        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.A, session.Key), "node A to drop every key");
    }

    // A failed-login lockout is no key change: no node is told, every node keeps the key working.
    [Fact]
    public async Task An_owner_locked_out_on_one_node_keeps_their_key_working_on_every_node_and_no_change_is_published()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        long lastBefore;
        await using (var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            lastBefore = await db.ApiKeyChanges.MaxAsync(c => (long?)c.Id) ?? 0;
        }

        await SetLockoutOnAAsync(session.Owner.UserId, DateTimeOffset.UtcNow.AddMinutes(15));

        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        await AssertStatusAsync(nodes.A.ApiClient(session.Key.Secret), Me, HttpStatusCode.OK);
        await using (var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.ApiKeyChanges.AnyAsync(c => c.Id > lastBefore));
        }
    }

    // The sweep: with the trigger off no notification is sent at all, as if every one were lost.
    [Fact]
    public async Task Without_notifications_the_sweep_still_makes_another_node_refuse_a_revoked_key()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);

        await ExecuteAsync("""ALTER TABLE "ApiKeyChanges" DISABLE TRIGGER "ApiKeyChanges_Notify" """);
        try
        {
            var revoked = await KeysOnA.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");
            Assert.True(revoked.Succeeded, revoked.Error?.Message);
            await WaitForStatusAsync(onB, Me, HttpStatusCode.Unauthorized);
        }
        finally
        {
            await ExecuteAsync("""ALTER TABLE "ApiKeyChanges" ENABLE TRIGGER "ApiKeyChanges_Notify" """);
        }
    }

    [Fact]
    public async Task A_change_that_is_rolled_back_reaches_no_other_node()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        var marker = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        await AssertStatusAsync(nodes.B.ApiClient(marker.Key.Secret), Me, HttpStatusCode.OK);
        var lookupsOnB = Lookups(nodes.B);

        await using (var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var key = await db.ApiKeys.AsTracking().SingleAsync(k => k.Id == session.Key.Key.Id);
            key.RevokedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
            // Written, in the transaction: the change would have reached B had it committed.
            Assert.Equal(1, await db.ApiKeyChanges.CountAsync(c => c.SecretHash == key.SecretHash));
            await transaction.RollbackAsync();
        }

        // A change committed after it, which B applies: changes reach B in commit order, so by
        // then the rolled-back one would have arrived too. B still answers the key from memory.
        var revoked = await KeysOnA.RevokeAsync(marker.Owner, marker.Key.Key.Id, "marker");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.B, marker.Key), "node B to apply the later change");

        Assert.True(IsCached(nodes.B, session.Key));
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        Assert.Equal(lookupsOnB, Lookups(nodes.B));
    }

    // Revoke-all of more than MaxListedKeys keys is one "every key" change: node B, which has
    // every one of them cached, drops them all and refuses each.
    [Fact]
    public async Task An_administrators_revoke_all_of_more_than_a_hundred_keys_is_refused_by_another_node()
    {
        var owner = await nodes.A.NewOwnerAsync("many");
        var keys = new List<CreatedApiKey>();
        for (var i = 0; i <= ApiKeyCacheInvalidator.MaxListedKeys; i++)
        {
            keys.Add(await nodes.A.NewKeyAsync(owner, [Permissions.MemoryRead]));
        }

        foreach (var key in keys)
        {
            await AssertStatusAsync(nodes.B.ApiClient(key.Secret), Me, HttpStatusCode.OK);
        }

        Assert.All(keys, key => Assert.True(IsCached(nodes.B, key)));
        var sentinel = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        await AssertStatusAsync(nodes.A.ApiClient(sentinel.Key.Secret), Me, HttpStatusCode.OK);
        await AssertStatusAsync(nodes.B.ApiClient(sentinel.Key.Secret), Me, HttpStatusCode.OK);

        var revoked = await nodes.A.Services.GetRequiredService<AdminApiKeyStore>().RevokeAllAsync(await NewAdminOnAAsync(), owner.UserId, "account compromised");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        Assert.Equal(keys.Count, revoked.Value!.Revoked);

        await SharedDatabaseNodes.WaitUntilAsync(() => keys.All(key => !IsCached(nodes.B, key)), "node B to drop the revoked keys");
        foreach (var key in keys)
        {
            await AssertStatusAsync(nodes.B.ApiClient(key.Secret), Me, HttpStatusCode.Unauthorized);
        }

        // The change was "every key": the next test starts only once A and B both applied it.
        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.A, sentinel.Key) && !IsCached(nodes.B, sentinel.Key), "nodes A and B to drop every key");
    }

    [Fact]
    public async Task A_save_that_changes_more_than_a_hundred_keys_writes_one_row_for_every_key_and_another_node_applies_it()
    {
        var owner = await nodes.A.NewOwnerAsync();
        var secrets = new List<string>();
        for (var i = 0; i <= ApiKeyCacheInvalidator.MaxListedKeys; i++)
        {
            secrets.Add((await nodes.A.NewKeyAsync(owner, [Permissions.MemoryRead])).Secret);
        }

        // Cached on both nodes, so that the test ends only once they have both applied the row:
        // an "every key" change still on its way would flush the next test's keys.
        var sentinel = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        await AssertStatusAsync(nodes.A.ApiClient(sentinel.Key.Secret), Me, HttpStatusCode.OK);
        await AssertStatusAsync(nodes.B.ApiClient(sentinel.Key.Secret), Me, HttpStatusCode.OK);
        foreach (var secret in secrets)
        {
            await AssertStatusAsync(nodes.B.ApiClient(secret), Memories, HttpStatusCode.OK);
        }

        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var lastBefore = await db.ApiKeyChanges.MaxAsync(c => (long?)c.Id) ?? 0;
        var keys = await db.ApiKeys.AsTracking().Where(k => k.OwnerId == owner.UserId).ToListAsync();
        Assert.Equal(ApiKeyCacheInvalidator.MaxListedKeys + 1, keys.Count);
        foreach (var key in keys)
        {
            key.Permissions = [Permissions.KnowledgeRead];
        }

        await db.SaveChangesAsync();

        var written = await db.ApiKeyChanges.Where(c => c.Id > lastBefore).ToListAsync();
        var row = Assert.Single(written);
        Assert.Null(row.SecretHash);
        Assert.Null(row.OwnerId);
        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.A, sentinel.Key) && !IsCached(nodes.B, sentinel.Key), "nodes A and B to drop every key");

        // Node B then refuses every one of those keys the permission it no longer has.
        foreach (var secret in secrets)
        {
            await AssertStatusAsync(nodes.B.ApiClient(secret), Memories, HttpStatusCode.Forbidden);
        }
    }

    // What B would do without its listener (C, CrossNodeInvalidation off): answer the revoked key
    // from memory until its cache lifetime runs out. So B's refusal above is the listener's doing.
    [Fact]
    public async Task A_node_without_the_listener_keeps_answering_a_revoked_key_from_memory()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onC = nodes.C.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onC, Me, HttpStatusCode.OK);

        await AssertStatusAsync(nodes.B.ApiClient(session.Key.Secret), Me, HttpStatusCode.OK);

        var revoked = await KeysOnA.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);

        // B, listening, has applied the change; C still answers the key from memory.
        await SharedDatabaseNodes.WaitUntilAsync(() => !IsCached(nodes.B, session.Key), "node B to apply the revocation");
        Assert.True(IsCached(nodes.C, session.Key));
        await AssertStatusAsync(onC, Me, HttpStatusCode.OK);
        Assert.False(SharedDatabaseNodes.Listener(nodes.C).IsListening);
    }

    // The listener's connection dropped (a failover, a restart): the node empties its cache,
    // reconnects, warns, and hears of changes again.
    [Fact]
    public async Task A_node_whose_listening_connection_is_cut_reconnects_and_hears_of_changes_again()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        var cacheOnB = nodes.B.Services.GetRequiredService<ApiKeyCache>();
        var warnings = WarningsOnB();

        await ExecuteAsync($"""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = '{ApiKeyChangeWorker.ApplicationName}'
            """);
        await SharedDatabaseNodes.WaitUntilAsync(() => WarningsOnB() > warnings, "node B to notice its connection was cut");
        await SharedDatabaseNodes.WaitUntilAsync(() => SharedDatabaseNodes.Listener(nodes.B).IsListening, "node B to listen again");
        Assert.Equal(0, cacheOnB.Count);

        await AssertStatusAsync(onB, Me, HttpStatusCode.OK);
        var revoked = await KeysOnA.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await WaitForStatusAsync(onB, Me, HttpStatusCode.Unauthorized);

        Assert.DoesNotContain(nodes.B.Logs.Lines(), line => line.Contains(session.Key.Secret, StringComparison.Ordinal));
    }

    private static int Lookups(MemsolusAppFactory node) => node.Logs.Lines().Count(line =>
        line.Contains("Executed DbCommand", StringComparison.Ordinal) && line.Contains("\"SecretHash\" = @", StringComparison.Ordinal));

    private static bool IsCached(MemsolusAppFactory node, CreatedApiKey key) =>
        node.Services.GetRequiredService<ApiKeyCache>().TryGet(new ApiKeyHash(ApiKeyFormat.Hash(key.Secret)), DateTimeOffset.UtcNow, out _);

    private async Task<long> LastChangeIdAsync()
    {
        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.ApiKeyChanges.MaxAsync(c => (long?)c.Id) ?? 0;
    }

    private int WarningsOnB() =>
        nodes.B.Logs.Lines().Count(line => line.StartsWith($"Warning {typeof(ApiKeyChangeWorker).FullName}", StringComparison.Ordinal));

    // Asks until the answer is the one expected (the other node applied the change); gives up
    // after fifteen seconds, far beyond the second the load check measures, so a failure means the
    // change never arrived rather than a slow machine.
    private async Task WaitForStatusAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode == expected)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Still {(int)response.StatusCode} after 15 s; expected {(int)expected}.");
            output.WriteLine($"{(int)response.StatusCode}, waiting for {(int)expected}");
            await Task.Delay(20);
        }
    }

    private static async Task AssertStatusAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task SetLockoutOnAAsync(string userId, DateTimeOffset? end)
    {
        await using var scope = nodes.A.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("No such user.");
        var result = await users.SetLockoutEndDateAsync(user, end);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    // An account in role Admin, made on node A as the admin bootstrap makes one.
    private Task<AuditActor> NewAdminOnAAsync() => nodes.A.NewAdminAsync();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(nodes.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
