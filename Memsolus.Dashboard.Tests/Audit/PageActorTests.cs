using System.Security.Claims;
using Memsolus.Dashboard.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace Memsolus.Dashboard.Tests.Audit;

public sealed class PageActorTests
{
    [Fact]
    public async Task The_actor_is_the_signed_in_account_with_the_origin_Routes_handed_over()
    {
        var actor = new PageActor(new SignedIn(new Claim(ClaimTypes.NameIdentifier, "user-1"), new Claim(ClaimTypes.Name, "ada@example.com")));
        actor.SetOrigin(new RequestOrigin("198.51.100.23", "Mozilla/5.0 (test)"));

        Assert.Equal(new AuditActor("user-1", "ada@example.com", "198.51.100.23", "Mozilla/5.0 (test)"), await actor.GetAsync());
    }

    [Fact]
    public async Task The_circuit_connections_origin_wins_over_the_page_loads_whenever_it_is_known()
    {
        var actor = new PageActor(new SignedIn(new Claim(ClaimTypes.NameIdentifier, "user-1")));
        actor.SetConnectionOrigin(new RequestOrigin("203.0.113.7", "connection-agent"));
        actor.SetOrigin(new RequestOrigin("198.51.100.23", "page-load-agent"));

        var acting = await actor.GetAsync();

        Assert.Equal(("203.0.113.7", "connection-agent"), (acting.ClientIp, acting.UserAgent));
    }

    [Fact]
    public async Task A_user_agent_is_kept_to_its_first_512_characters()
    {
        var actor = new PageActor(new SignedIn(new Claim(ClaimTypes.NameIdentifier, "user-1")));
        actor.SetOrigin(new RequestOrigin("198.51.100.23", new string('a', 600)));

        Assert.Equal(new string('a', AuditActor.MaxUserAgentLength), (await actor.GetAsync()).UserAgent);
    }

    [Fact]
    public async Task Nobody_signed_in_is_no_actor()
    {
        var actor = new PageActor(new SignedIn());

        await Assert.ThrowsAsync<InvalidOperationException>(actor.GetAsync);
    }

    private sealed class SignedIn(params Claim[] claims) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(claims, claims.Length == 0 ? null : "test"))));
    }
}
