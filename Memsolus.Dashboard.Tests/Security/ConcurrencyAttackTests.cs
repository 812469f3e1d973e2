using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): the same change many times at once. A
// double-clicked revoke revokes once, concurrent rotations leave one successor, a key revoked while
// requests pour in is refused by every request that starts after the revoke returned, and 60
// parallel creates leave at most the limit of 50 active keys with no name twice. Every loser gets
// the key service's own answer, never an exception. On both providers, through the app's services.
public abstract class ConcurrencyAttackTests(MemsolusAppFactory app)
{
    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    // Both clicks carry the version the page rendered, as the dialog sends it.
    [Fact]
    public async Task Double_click_revoke_revokes_once()
    {
        var session = await app.NewSessionAsync();
        var version = (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            Keys.RevokeAsync(session.Owner, session.Key.Key.Id, "double click", expectedVersion: version))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.NotEqual(ApiKeyErrorKind.NotFound, r.Error!.Kind));
        Assert.Equal(1, await AuditEventCountAsync(session.Key.Key.Id, AuditEventTypes.KeyRevoked));
        using var response = await session.Client.GetAsync(Me);
        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Concurrent_rotates_leave_one_successor()
    {
        var session = await app.NewSessionAsync();
        var version = (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.Immediately, expectedVersion: i % 2 == 0 ? version : null))));

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.NotEqual(ApiKeyErrorKind.NotFound, r.Error!.Kind));
        var keys = await Keys.ListAsync(session.Owner);
        Assert.Equal(2, keys.Count);
        Assert.Equal(winner.Value!.Key.Id, Assert.Single(keys, k => k.Status == ApiKeyStatus.Active).Id);
        Assert.Equal(1, await AuditEventCountAsync(session.Key.Key.Id, AuditEventTypes.KeyRotated));
        using var old = await session.Client.GetAsync(Me);
        await ApiAssert.UnauthorizedAsync(old);
        using var successor = await app.ApiClient(winner.Value.Secret).GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, successor.StatusCode);
    }

    // Requests run on four clients without pause while the key is revoked. Those that started
    // before the revoke returned may be answered either way; every one that started after it is
    // 401, and no request is ever answered with anything but 200 or 401.
    [Fact]
    public async Task Revoke_under_load_refuses_every_request_that_starts_after_it()
    {
        var session = await app.NewSessionAsync();
        var revoked = 0;
        var stop = 0;
        var answers = new System.Collections.Concurrent.ConcurrentBag<(bool StartedAfterRevoke, HttpStatusCode Status)>();
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var client = app.ApiClient(session.Key.Secret);
            var afterRevoke = 0;
            while (Volatile.Read(ref stop) == 0 || afterRevoke < 25)
            {
                var startedAfter = Volatile.Read(ref revoked) == 1;
                using var response = await client.GetAsync(Me);
                answers.Add((startedAfter, response.StatusCode));
                if (answers.Count >= 50)
                {
                    loaded.TrySetResult();
                }

                afterRevoke += startedAfter ? 1 : 0;
            }
        })).ToList();
        await loaded.Task;

        var result = await Keys.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked during traffic");
        Volatile.Write(ref revoked, 1);
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(load);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Unauthorized, a.Status.ToString()));
        Assert.Contains(answers, a => !a.StartedAfterRevoke && a.Status == HttpStatusCode.OK);
        Assert.True(answers.Count(a => a.StartedAfterRevoke) >= 100);
        Assert.All(answers.Where(a => a.StartedAfterRevoke), a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
    }

    [Fact]
    public async Task Fifty_parallel_creates_and_ten_more_leave_at_most_fifty_active_keys_with_no_name_twice()
    {
        var owner = await app.NewOwnerAsync();
        var limit = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiKeysOptions>>().Value.MaxActivePerAccount;
        Assert.Equal(50, limit);

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() =>
            Keys.CreateAsync(owner, new CreateApiKeyRequest($"agent-{i % 55}", ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Never)))));

        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Contains(r.Error!.Kind, new[] { ApiKeyErrorKind.LimitReached, ApiKeyErrorKind.Invalid }));
        var active = (await Keys.ListAsync(owner)).Where(k => k.Status == ApiKeyStatus.Active).ToList();
        Assert.Equal(results.Count(r => r.Succeeded), active.Count);
        Assert.Equal(limit, active.Count);
        Assert.Equal(active.Count, active.Select(k => k.Name).Distinct().Count());
    }

    private async Task<int> AuditEventCountAsync(Guid keyId, string type)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.CountAsync(e => e.EventType == type && e.KeyId == keyId);
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : ConcurrencyAttackTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : ConcurrencyAttackTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
