using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// The verification cache inside the running app (docs/performance.md): a known key costs no query, and every
// way a key can stop working still applies to the very next request. ApiKeyLifecycleTests and
// AdminConsoleHttpTests cover revoke, rotate, edit and the administrator's revocations the same way.
public abstract class ApiKeyCacheBehaviourTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    // The verifier's query, as EF Core logs it.
    private static bool IsVerificationQuery(string line) =>
        line.Contains("Executed DbCommand", StringComparison.Ordinal) && line.Contains("\"SecretHash\" = @", StringComparison.Ordinal);

    [Fact]
    public async Task A_known_key_is_read_from_the_database_once_and_then_answered_from_memory()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var before = app.Logs.Lines().Count(IsVerificationQuery);

        for (var i = 0; i < 5; i++)
        {
            using var response = await session.Client.GetAsync(Me);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(before + 1, app.Logs.Lines().Count(IsVerificationQuery));
    }

    [Fact]
    public async Task Disabling_the_owners_account_refuses_their_cached_key_on_the_next_request_and_enabling_restores_it()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertAcceptedAsync(session.Client);

        // Through Identity's UserManager, which saves every column as modified.
        await WithUserAsync(session.Owner.UserId, (users, user) =>
        {
            user.DisabledAt = DateTimeOffset.UtcNow;
            user.DisabledReason = "account compromised";
            return users.UpdateAsync(user);
        });
        using (var disabled = await session.Client.GetAsync(Me))
        {
            await ApiAssert.UnauthorizedAsync(disabled);
        }

        await WithUserAsync(session.Owner.UserId, (users, user) =>
        {
            user.DisabledAt = null;
            user.DisabledReason = null;
            return users.UpdateAsync(user);
        });
        await AssertAcceptedAsync(session.Client);
    }

    // Anyone who knows an owner's email can lock the account out; that neither stops their keys
    // nor empties the cache (Identity saves every column of the account, DisabledAt included).
    [Fact]
    public async Task Locking_the_owner_out_neither_refuses_their_key_nor_empties_the_cache()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertAcceptedAsync(session.Client);
        var cache = app.Services.GetRequiredService<ApiKeyCache>();
        var generation = cache.Generation;
        var lookups = app.Logs.Lines().Count(IsVerificationQuery);

        await WithUserAsync(session.Owner.UserId, (users, user) => users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(15)));
        await WithUserAsync(session.Owner.UserId, (users, user) => users.AccessFailedAsync(user));
        await AssertAcceptedAsync(session.Client);

        Assert.Equal(generation, cache.Generation);
        Assert.Equal(lookups, app.Logs.Lines().Count(IsVerificationQuery));
    }

    [Fact]
    public async Task Deleting_the_account_refuses_its_cached_key_on_the_next_request()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertAcceptedAsync(session.Client);

        await WithUserAsync(session.Owner.UserId, (users, user) => users.DeleteAsync(user));

        using var after = await session.Client.GetAsync(Me);
        await ApiAssert.UnauthorizedAsync(after);
    }

    [Fact]
    public async Task A_saved_change_to_the_key_outside_the_services_still_invalidates_it()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertAcceptedAsync(session.Client);

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            var key = await db.ApiKeys.AsTracking().SingleAsync(k => k.Id == session.Key.Key.Id);
            key.Permissions = [Permissions.KnowledgeRead];
            await db.SaveChangesAsync();
        }

        using var after = await session.Client.GetAsync("/api/v1/memories");
        await ApiAssert.ForbiddenAsync(after, Permissions.MemoryRead);
    }

    [Fact]
    public async Task Well_formed_unknown_keys_are_not_kept()
    {
        var cache = app.Services.GetRequiredService<ApiKeyCache>();
        var verifier = app.Services.GetRequiredService<ApiKeyVerifier>();
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertAcceptedAsync(session.Client);
        var before = cache.Count;

        for (var i = 0; i < 500; i++)
        {
            var (key, rejection, _) = await verifier.VerifyAsync(ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, CancellationToken.None);
            Assert.Null(key);
            Assert.Equal(ApiKeyRejection.Unknown, rejection);
        }

        Assert.InRange(cache.Count, 0, before);
    }

    private static async Task AssertAcceptedAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task WithUserAsync(string userId, Func<UserManager<ApplicationUser>, ApplicationUser, Task<IdentityResult>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("No such user.");
        var result = await change(users, user);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : ApiKeyCacheBehaviourTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : ApiKeyCacheBehaviourTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
