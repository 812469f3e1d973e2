using System.Net;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// Rotation "When the new key is first used" (docs/security.md#rotation-that-waits-for-the-new-key):
// the old key works until the first successful request made with the new key, and is refused from
// the very next request on this node; a refused request with the new key changes nothing; first
// uses at once retire it once; revoking the new key first gives the old key its place back; the old
// key's own expiry still applies. On a clock only the test moves, on both providers; another node is
// in CrossNodeRevocationTests.
public abstract class FirstUseRotationTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task Old_key_works_until_the_new_key_succeeds_and_is_401_from_the_very_next_request()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);

        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var old = await Keys.GetAsync(session.Owner, session.Key.Key.Id);
        Assert.True(old!.WaitsForFirstUse);
        Assert.Null(old.ExpiresAt);
        Assert.Equal(ApiKeyStatus.Active, rotated.Value!.Key.Status);

        // Long after: still waiting, still working.
        app.Clock.Advance(TimeSpan.FromDays(30));
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        await AssertStatusAsync(session.Client, "/api/v1/memories", HttpStatusCode.OK);

        var usedAt = app.Clock.GetUtcNow();
        await AssertStatusAsync(app.ApiClient(rotated.Value.Secret), Me, HttpStatusCode.OK);

        await AssertStatusAsync(session.Client, Me, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(app.ApiClient(rotated.Value.Secret), Me, HttpStatusCode.OK);
        old = await Keys.GetAsync(session.Owner, session.Key.Key.Id);
        Assert.False(old!.WaitsForFirstUse);
        Assert.False(old.StillWorks);
        Assert.Equal(usedAt, old.ExpiresAt);
        var completed = Assert.Single(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotationCompleted));
        Assert.Equal(AuditEvents.SystemActorName, completed.ActorName);
        Assert.Contains(rotated.Value.Key.Id.ToString(), completed.Details, StringComparison.Ordinal);
        var rotation = Assert.Single(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotated));
        Assert.Contains("\"grace\":\"FirstUseOfNewKey\"", rotation.Details, StringComparison.Ordinal);
        Assert.Contains("\"waitsForNewKey\":true", rotation.Details, StringComparison.Ordinal);
    }

    // "Successful" is an answer below 400: a 403 (a permission the key lacks) or a 404 (no such
    // resource, or no such endpoint) is not the integration working with the new key.
    [Fact]
    public async Task Refused_or_not_found_requests_with_the_new_key_do_not_stop_the_old_one()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var successor = app.ApiClient(rotated.Value!.Secret);

        await AssertStatusAsync(successor, "/api/v1/knowledge", HttpStatusCode.Forbidden);
        await AssertStatusAsync(successor, $"/api/v1/memories/{Guid.NewGuid()}", HttpStatusCode.NotFound);
        await AssertStatusAsync(successor, "/api/v1/no-such-endpoint", HttpStatusCode.NotFound);

        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        Assert.True((await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.WaitsForFirstUse);
        Assert.Empty(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotationCompleted));
    }

    [Fact]
    public async Task First_uses_at_once_retire_the_old_key_once_with_one_audit_event()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var successor = app.ApiClient(rotated.Value!.Secret);

        // Requests through the node (sharing one retirement) and direct calls of the store, as
        // other nodes would make them, all at once.
        var requests = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            using var response = await successor.GetAsync(Me);
            return response.StatusCode;
        })).ToList();
        var direct = Enumerable.Range(0, 4).Select(_ => Task.Run(() => Keys.RetirePredecessorsAsync(rotated.Value.Key.Id))).ToList();

        Assert.All(await Task.WhenAll(requests), status => Assert.Equal(HttpStatusCode.OK, status));
        var retiredByDirectCalls = (await Task.WhenAll(direct)).Sum();
        Assert.InRange(retiredByDirectCalls, 0, 1);
        Assert.Single(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotationCompleted));
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.Unauthorized);

        // A later call finds nothing left to do.
        Assert.Equal(0, await Keys.RetirePredecessorsAsync(rotated.Value.Key.Id));
        Assert.Single(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotationCompleted));
    }

    [Fact]
    public async Task Revoking_the_new_key_before_its_first_use_makes_the_old_key_current_again()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);

        var revoked = await Keys.RevokeAsync(session.Owner, rotated.Value!.Key.Id, "pasted in a chat");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);

        var old = await Keys.GetAsync(session.Owner, session.Key.Key.Id);
        Assert.Equal(ApiKeyStatus.Active, old!.Status);
        Assert.False(old.WaitsForFirstUse);
        Assert.True(old.CanRotate);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        await AssertStatusAsync(app.ApiClient(rotated.Value.Secret), Me, HttpStatusCode.Unauthorized);
        var revocation = Assert.Single(await EventsAsync(rotated.Value.Key.Id, AuditEventTypes.KeyRevoked));
        Assert.Contains($"\"restoredKeyId\":\"{session.Key.Key.Id}\"", revocation.Details, StringComparison.Ordinal);

        // It can be rotated again, and this time the wait completes.
        var again = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(again.Succeeded, again.Error?.Message);
        await AssertStatusAsync(app.ApiClient(again.Value!.Secret), Me, HttpStatusCode.OK);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_administrator_revoking_the_new_key_before_its_first_use_makes_the_old_key_current_again()
    {
        var admin = await app.NewAdminAsync();
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);

        var revoked = await app.Services.GetRequiredService<AdminApiKeyStore>().RevokeAsync(admin, rotated.Value!.Key.Id, "found in a public repository");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);

        Assert.Equal(ApiKeyStatus.Active, (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.Status);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        await AssertStatusAsync(app.ApiClient(rotated.Value.Secret), Me, HttpStatusCode.Unauthorized);
    }

    // The new key, never used, rotated again with a grace period: the key that waited for it stops
    // with it instead of waiting for a key that is going away.
    [Fact]
    public async Task Rotating_the_unused_new_key_with_a_grace_period_ends_the_old_keys_wait_at_the_same_moment()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var first = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(first.Succeeded, first.Error?.Message);
        var rotatedAt = app.Clock.GetUtcNow();

        var second = await Keys.RotateAsync(session.Owner, first.Value!.Key.Id, RotationGrace.OneHour);
        Assert.True(second.Succeeded, second.Error?.Message);

        var old = await Keys.GetAsync(session.Owner, session.Key.Key.Id);
        Assert.False(old!.WaitsForFirstUse);
        Assert.Equal(rotatedAt + TimeSpan.FromHours(1), old.ExpiresAt);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromHours(1));
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(app.ApiClient(first.Value.Secret), Me, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(app.ApiClient(second.Value!.Secret), Me, HttpStatusCode.OK);
    }

    // Rotated again for the next key's first use: whichever new key is used first stops the keys
    // behind it; the newest stops them all.
    [Fact]
    public async Task Rotating_the_unused_new_key_for_its_own_successors_first_use_lets_the_newest_stop_both()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var first = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        var second = await Keys.RotateAsync(session.Owner, first.Value!.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(second.Succeeded, second.Error?.Message);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        await AssertStatusAsync(app.ApiClient(first.Value.Secret), "/api/v1/knowledge", HttpStatusCode.Forbidden);

        await AssertStatusAsync(app.ApiClient(second.Value!.Secret), Me, HttpStatusCode.OK);

        await AssertStatusAsync(session.Client, Me, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(app.ApiClient(first.Value.Secret), Me, HttpStatusCode.Unauthorized);
        Assert.Single(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotationCompleted));
        Assert.Single(await EventsAsync(first.Value.Key.Id, AuditEventTypes.KeyRotationCompleted));
    }

    [Fact]
    public async Task Old_key_revoked_while_waiting_stays_revoked_and_the_first_use_retires_nothing()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var revoked = await Keys.RevokeAsync(session.Owner, session.Key.Key.Id, "no longer needed");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.Unauthorized);

        await AssertStatusAsync(app.ApiClient(rotated.Value!.Secret), Me, HttpStatusCode.OK);

        var old = await Keys.GetAsync(session.Owner, session.Key.Key.Id);
        Assert.Equal(ApiKeyStatus.Revoked, old!.Status);
        Assert.Null(old.ExpiresAt);
        Assert.Empty(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotationCompleted));
        Assert.Equal(0, await Keys.RetirePredecessorsAsync(rotated.Value.Key.Id));
    }

    [Fact]
    public async Task Old_keys_own_expiry_still_stops_it_before_the_new_key_is_used()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead], expiration: ApiKeyExpiration.Days30);
        var expiresAt = (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.ExpiresAt!.Value;
        app.Clock.Advance(TimeSpan.FromDays(1));
        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.FirstUseOfNewKey);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        Assert.Equal(expiresAt, (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.ExpiresAt);

        app.Clock.SetUtcNow(expiresAt - TimeSpan.FromTicks(1));
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        app.Clock.SetUtcNow(expiresAt);
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.Unauthorized);
        Assert.False((await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.WaitsForFirstUse);

        await AssertStatusAsync(app.ApiClient(rotated.Value!.Secret), Me, HttpStatusCode.OK);
        Assert.Equal(expiresAt, (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.ExpiresAt);
        Assert.Empty(await EventsAsync(session.Key.Key.Id, AuditEventTypes.KeyRotationCompleted));
    }

    private async Task<List<AuditEvent>> EventsAsync(Guid keyId, string type)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.AsNoTracking().Where(e => e.KeyId == keyId && e.EventType == type).ToListAsync();
    }

    private static async Task AssertStatusAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(path);
        if (expected == HttpStatusCode.Unauthorized)
        {
            await ApiAssert.UnauthorizedAsync(response);
        }
        else
        {
            await ApiAssert.StatusAsync(response, expected);
        }
    }

    public sealed class OnSqlite(AppFixture<Hosts.FakeClock> fixture) : FirstUseRotationTests(fixture.App), IClassFixture<AppFixture<Hosts.FakeClock>>;

    public sealed class OnPostgres(AppFixture<Hosts.PostgresFakeClock> fixture) : FirstUseRotationTests(fixture.App), IClassFixture<AppFixture<Hosts.PostgresFakeClock>>;
}
