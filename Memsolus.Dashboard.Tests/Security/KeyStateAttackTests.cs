using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): a real key whose state says no. Each key is
// first used (so the node has it cached), then its state changes, and the very next request is
// refused: revoked, expired to the tick, owner deleted or disabled, and a rotated key at the end of
// its grace period. On a clock only the test moves, on both providers; the same refusal from
// another node is in CrossNodeAttackTests.
public abstract class KeyStateAttackTests(MemsolusAppFactory app)
{
    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task Revoked_key_is_401_on_this_node_from_the_next_request()
    {
        var session = await app.NewSessionAsync();
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);

        var revoked = await Keys.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");

        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(app.ApiClient(session.Key.Secret), HttpStatusCode.Unauthorized);
    }

    // Expiry is checked at every use, so the cached key stops at its ExpiresAt exactly: one tick
    // before, it works; at it and after, it does not.
    [Fact]
    public async Task Key_works_one_tick_before_its_expiry_and_is_401_at_it_and_one_tick_after()
    {
        var session = await app.NewSessionAsync(expiration: ApiKeyExpiration.Days30);
        var expiresAt = session.Key.Key.ExpiresAt!.Value;
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);

        app.Clock.SetUtcNow(expiresAt - TimeSpan.FromTicks(1));
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);
        app.Clock.SetUtcNow(expiresAt);
        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
        app.Clock.SetUtcNow(expiresAt + TimeSpan.FromTicks(1));
        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Key_of_a_deleted_owner_is_401_from_the_next_request()
    {
        var session = await app.NewSessionAsync();
        var bystander = await app.NewSessionAsync();
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);

        await ChangeOwnerAsync(session, (users, user) => users.DeleteAsync(user));

        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(bystander.Client, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Key_of_a_disabled_owner_is_401_from_the_next_request()
    {
        var session = await app.NewSessionAsync();
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);
        var now = app.Clock.GetUtcNow();

        await ChangeOwnerAsync(session, (users, user) =>
        {
            user.DisabledAt = now;
            user.DisabledReason = "account compromised";
            return users.UpdateAsync(user);
        });

        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
    }

    // The old key of a rotation keeps working through the grace period the owner chose, to the
    // tick, and stops at its end; the new key works throughout.
    [Fact]
    public async Task Rotated_key_works_through_its_grace_period_and_is_401_at_its_end()
    {
        var session = await app.NewSessionAsync();
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);
        var rotatedAt = app.Clock.GetUtcNow();

        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.OneHour);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        var successor = app.ApiClient(rotated.Value!.Secret);

        await AssertStatusAsync(session.Client, HttpStatusCode.OK);
        app.Clock.SetUtcNow(rotatedAt + TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);
        app.Clock.SetUtcNow(rotatedAt + TimeSpan.FromHours(1));
        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(successor, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Rotated_key_with_no_grace_is_401_from_the_next_request()
    {
        var session = await app.NewSessionAsync();
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);

        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.Immediately);

        Assert.True(rotated.Succeeded, rotated.Error?.Message);
        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(app.ApiClient(rotated.Value!.Secret), HttpStatusCode.OK);
    }

    private static async Task AssertStatusAsync(HttpClient client, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(Me);
        if (expected == HttpStatusCode.Unauthorized)
        {
            await ApiAssert.UnauthorizedAsync(response);
        }
        else
        {
            await ApiAssert.StatusAsync(response, expected);
        }
    }

    private async Task ChangeOwnerAsync(ApiSession session, Func<UserManager<ApplicationUser>, ApplicationUser, Task<IdentityResult>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(session.Owner.UserId);
        var result = await change(users, user!);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    public sealed class OnSqlite(AppFixture<Hosts.FakeClock> fixture) : KeyStateAttackTests(fixture.App), IClassFixture<AppFixture<Hosts.FakeClock>>;

    public sealed class OnPostgres(AppFixture<Hosts.PostgresFakeClock> fixture) : KeyStateAttackTests(fixture.App), IClassFixture<AppFixture<Hosts.PostgresFakeClock>>;
}
