using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Account.Pages;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): guessing passwords at the sign-in form. Five
// wrong passwords lock interactive sign-in for 15 minutes, but a stranger who knows an owner's
// email cannot switch off the owner's API keys that way; and the form answers a locked-out account
// exactly as it answers an address without an account (which never locks), so the lockout does not
// tell which addresses have accounts. Through the real form, on both providers.
public abstract class AccountAttackTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Five_wrong_passwords_lock_interactive_sign_in_but_the_keys_still_work()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var unused = await app.NewKeyAsync(session.Owner, [Permissions.MemoryRead]);
        using (var before = await session.Client.GetAsync(Me))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var attacker = Browser();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await IdentityForms.LoginAsync(attacker, session.Owner.UserName!, $"Wrong-Password-{attempt:D4}");
            await AssertInvalidLoginAsync(wrong);
        }

        var owner = Browser();
        using (var right = await IdentityForms.LoginAsync(owner, session.Owner.UserName!, TestAccounts.Password))
        {
            await AssertInvalidLoginAsync(right);
        }

        using (var dashboard = await owner.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        }

        using var cached = await session.Client.GetAsync(Me);
        using var fromDatabase = await app.ApiClient(unused.Secret).GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromDatabase.StatusCode);
    }

    // Six attempts each at a known and at an unknown address, the last with the known account's
    // real password: every answer is the same form with the same message, never the Lockout page.
    [Fact]
    public async Task Lockout_does_not_tell_whether_an_address_has_an_account()
    {
        var known = await app.NewOwnerAsync("known");
        var unknown = TestAccounts.NewEmail("unknown");
        var answers = new Dictionary<string, List<string>> { [known.UserName!] = [], [unknown] = [] };

        foreach (var email in answers.Keys)
        {
            var client = Browser();
            for (var attempt = 1; attempt <= 6; attempt++)
            {
                var password = attempt == 6 ? TestAccounts.Password : $"Wrong-Password-{attempt:D4}";
                using var response = await IdentityForms.LoginAsync(client, email, password);
                await AssertInvalidLoginAsync(response);
                answers[email].Add($"{(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.Equal(answers[unknown], answers[known.UserName!]);
    }

    private HttpClient Browser() => app.CreateClient(new() { AllowAutoRedirect = false });

    private static async Task AssertInvalidLoginAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(Login.InvalidLoginMessage, html, StringComparison.Ordinal);
        Assert.DoesNotContain("locked out", html, StringComparison.OrdinalIgnoreCase);
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : AccountAttackTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : AccountAttackTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
