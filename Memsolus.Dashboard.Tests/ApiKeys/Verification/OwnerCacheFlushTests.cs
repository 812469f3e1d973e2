using System.Net;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// What an account's changes do to the key cache on the node that makes them (docs/several-nodes.md
// for the other nodes, CrossNodeRevocationTests): the key check reads only whether the owner is
// disabled and whether they exist, so only those changes flush, and only that owner's keys. Counted
// by the verifier's queries in the log, as ApiKeyCacheBehaviourTests counts them: a key answered
// with no new query was answered from memory.
public abstract class OwnerCacheFlushTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    private static readonly TestHostOptions Host = new() { Admin = TestAdmin.Configured };

    private ApiKeyCache Cache => app.Services.GetRequiredService<ApiKeyCache>();

    private AdminAccountStore Accounts => app.Services.GetRequiredService<AdminAccountStore>();

    private int Lookups => app.Logs.Lines().Count(IsVerificationQuery);

    [Fact]
    public async Task Failed_logins_a_lockout_a_profile_edit_and_a_password_change_keep_every_cached_key()
    {
        var x = await app.NewOwnerAsync("x");
        var y = await app.NewOwnerAsync("y");
        var keys = new[] { await app.NewKeyAsync(x, [Permissions.MemoryRead]), await app.NewKeyAsync(y, [Permissions.MemoryRead]) };
        await AssertAnsweredAsync(keys, HttpStatusCode.OK);
        var lookups = Lookups;
        var generation = Cache.Generation;

        // Five wrong passwords through the real form: the fifth locks the account out.
        var stranger = app.CreateClient(new() { AllowAutoRedirect = false });
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await IdentityForms.LoginAsync(stranger, x.UserName!, $"Wrong-Password-{attempt:D4}");
        }

        await CheckUserAsync(x.UserId, async (users, user) => Assert.True(await users.IsLockedOutAsync(user)));
        await WithUserAsync(x.UserId, (users, user) => users.SetPhoneNumberAsync(user, "+41 44 000 00 00"));
        await WithUserAsync(x.UserId, (users, user) => users.ChangePasswordAsync(user, TestAccounts.Password, TestAccounts.Password + "-new"));
        await WithUserAsync(x.UserId, (users, user) =>
        {
            user.ExpiryRemindersEnabled = false;
            return users.UpdateAsync(user);
        });

        await AssertAnsweredAsync(keys, HttpStatusCode.OK);
        Assert.Equal(lookups, Lookups);
        Assert.Equal(generation, Cache.Generation);
    }

    // Every column of the account but those the key check reads, changed at once in one save,
    // through a plain context: no key is flushed. A column added later is covered by this test
    // without a change; if the verifier ever reads it, it belongs in OwnerColumnsRead.
    [Fact]
    public async Task Changing_every_account_column_the_key_check_does_not_read_flushes_nothing()
    {
        var x = await app.NewOwnerAsync("x");
        var key = await app.NewKeyAsync(x, [Permissions.MemoryRead]);
        await AssertAnsweredAsync([key], HttpStatusCode.OK);
        var lookups = Lookups;
        var generation = Cache.Generation;

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            var user = await db.Users.AsTracking().SingleAsync(u => u.Id == x.UserId);
            var entry = db.Entry(user);
            var changed = 0;
            foreach (var property in entry.Properties)
            {
                if (property.Metadata.IsPrimaryKey() || ApiKeyCacheInvalidator.OwnerColumnsRead.Contains(property.Metadata.Name))
                {
                    continue;
                }

                property.CurrentValue = property.CurrentValue switch
                {
                    string text => text + "2",
                    bool flag => !flag,
                    int number => number + 1,
                    LeakAction action => action == LeakAction.Revoke ? LeakAction.NotifyOnly : LeakAction.Revoke,
                    DateTimeOffset or null when property.Metadata.ClrType == typeof(DateTimeOffset?) => DateTimeOffset.UtcNow.AddMinutes(15),
                    null when property.Metadata.ClrType == typeof(string) => "changed",
                    var other => throw new InvalidOperationException($"Teach this test to change {property.Metadata.Name} ({other?.GetType().Name})."),
                };
                changed++;
            }

            Assert.True(changed >= 15, $"Only {changed} columns changed.");
            await db.SaveChangesAsync();
            Assert.False(await db.ApiKeyChanges.AnyAsync(c => c.OwnerId == x.UserId));
        }

        await AssertAnsweredAsync([key], HttpStatusCode.OK);
        Assert.Equal(lookups, Lookups);
        Assert.Equal(generation, Cache.Generation);
    }

    [Fact]
    public async Task Disabling_an_owner_flushes_only_their_keys_and_enabling_lets_them_work_again()
    {
        var x = await app.NewOwnerAsync("x");
        var y = await app.NewOwnerAsync("y");
        var xKeys = new[] { await app.NewKeyAsync(x, [Permissions.MemoryRead]), await app.NewKeyAsync(x, [Permissions.MemoryRead], ApiKeyEnvironment.Test) };
        var yKey = await app.NewKeyAsync(y, [Permissions.MemoryRead]);
        await AssertAnsweredAsync([.. xKeys, yKey], HttpStatusCode.OK);
        var admin = await app.AdminActorAsync();

        var disabled = await Accounts.DisableAsync(admin, x.UserId, "account compromised");
        Assert.True(disabled.Succeeded, disabled.Error?.Message);

        Assert.All(xKeys, k => Assert.False(IsCached(k)));
        Assert.True(IsCached(yKey));
        var lookups = Lookups;
        await AssertAnsweredAsync([yKey], HttpStatusCode.OK);
        Assert.Equal(lookups, Lookups);
        await AssertAnsweredAsync(xKeys, HttpStatusCode.Unauthorized);
        Assert.Equal(lookups + xKeys.Length, Lookups);

        var enabled = await Accounts.EnableAsync(admin, x.UserId);
        Assert.True(enabled.Succeeded, enabled.Error?.Message);

        lookups = Lookups;
        await AssertAnsweredAsync(xKeys, HttpStatusCode.OK);
        await AssertAnsweredAsync([yKey], HttpStatusCode.OK);
        Assert.Equal(lookups + xKeys.Length, Lookups);
    }

    [Fact]
    public async Task Deleting_an_owner_flushes_only_their_keys()
    {
        var x = await app.NewOwnerAsync("x");
        var y = await app.NewOwnerAsync("y");
        var xKey = await app.NewKeyAsync(x, [Permissions.MemoryRead]);
        var yKey = await app.NewKeyAsync(y, [Permissions.MemoryRead]);
        await AssertAnsweredAsync([xKey, yKey], HttpStatusCode.OK);

        await WithUserAsync(x.UserId, (users, user) => users.DeleteAsync(user));

        Assert.False(IsCached(xKey));
        var lookups = Lookups;
        await AssertAnsweredAsync([yKey], HttpStatusCode.OK);
        Assert.Equal(lookups, Lookups);
        await AssertAnsweredAsync([xKey], HttpStatusCode.Unauthorized);
    }

    // The verifier's query, as EF Core logs it.
    private static bool IsVerificationQuery(string line) =>
        line.Contains("Executed DbCommand", StringComparison.Ordinal) && line.Contains("\"SecretHash\" = @", StringComparison.Ordinal);

    private bool IsCached(CreatedApiKey key) => Cache.TryGet(new ApiKeyHash(ApiKeyFormat.Hash(key.Secret)), DateTimeOffset.UtcNow, out _);

    private async Task AssertAnsweredAsync(IEnumerable<CreatedApiKey> keys, HttpStatusCode expected)
    {
        foreach (var key in keys)
        {
            using var response = await app.ApiClient(key.Secret).GetAsync(Me);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    private Task CheckUserAsync(string userId, Func<UserManager<ApplicationUser>, ApplicationUser, Task> check) =>
        WithUserAsync(userId, async (users, user) =>
        {
            await check(users, user);
            return IdentityResult.Success;
        });

    private async Task WithUserAsync(string userId, Func<UserManager<ApplicationUser>, ApplicationUser, Task<IdentityResult>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("No such user.");
        var result = await change(users, user);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : OwnerCacheFlushTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : OwnerCacheFlushTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
