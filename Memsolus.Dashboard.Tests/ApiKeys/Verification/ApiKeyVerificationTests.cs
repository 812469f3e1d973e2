using System.Net;
using System.Net.Http.Headers;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// The checks in docs/security.md, one test per way a request can fail verification, against the real pipeline. Every
// rejection is the same 401 (WWW-Authenticate and an RFC 9457 body that does not say which case
// it was); the expired case, which needs a clock the test moves, is in ApiKeyExpiryTests.
public abstract class ApiKeyVerificationTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    [Fact]
    public async Task Request_without_an_api_key_header_is_401()
    {
        using var response = await NoHeaderAsync();

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Empty_api_key_header_is_401()
    {
        var rejectedBefore = MalformedRejections();

        using var response = await EmptyHeaderAsync();

        await ApiAssert.UnauthorizedAsync(response);
        // The empty value reached the key check (an absent header would not be logged as one).
        Assert.Equal(rejectedBefore + 1, MalformedRejections());
    }

    [Fact]
    public async Task Two_api_key_headers_are_401_even_when_both_hold_valid_keys()
    {
        using var response = await TwoHeadersAsync();

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Theory]
    [InlineData("api_key")]
    [InlineData("X-Api-Key")]
    public async Task Valid_key_in_the_query_string_only_is_401(string parameter)
    {
        var session = await app.NewSessionAsync();
        var anonymous = app.ApiClient(key: null);

        using var response = await anonymous.GetAsync($"{Me}?{parameter}={Uri.EscapeDataString(session.Key.Secret)}");

        await ApiAssert.UnauthorizedAsync(response);
        using var sameKeyInHeader = await session.Client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, sameKeyInHeader.StatusCode);
    }

    [Fact]
    public async Task Valid_key_as_an_authorization_bearer_token_only_is_401()
    {
        using var response = await BearerAsync();

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("msk_live_")]
    [InlineData("msk_prod_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh")]
    [InlineData("MSK_LIVE_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh")]
    [InlineData("msk_live_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef-h")]
    [InlineData("msk_live_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi")]
    public async Task Malformed_key_is_401(string presented)
    {
        using var response = await app.ApiClient(presented).GetAsync(Me);

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Real_key_with_one_character_changed_fails_its_checksum_and_is_401()
    {
        using var response = await WrongChecksumAsync();

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Well_formed_key_with_a_valid_checksum_that_was_never_issued_is_401()
    {
        using var response = await UnknownAsync();

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Revoked_key_is_401()
    {
        using var response = await RevokedAsync();

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Key_of_an_owner_whose_account_is_disabled_is_401()
    {
        using var response = await DisabledOwnerAsync();

        await ApiAssert.UnauthorizedAsync(response);
    }

    // A failed-login lockout stops interactive sign-in only.
    [Fact]
    public async Task Key_of_a_locked_out_owner_is_200()
    {
        var session = await app.NewSessionAsync();
        await ChangeOwnerAsync(session, (users, user, now) => users.SetLockoutEndDateAsync(user, now.AddHours(1)));

        using var response = await session.Client.GetAsync(Me);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Test)]
    public async Task Valid_key_in_the_header_is_200(ApiKeyEnvironment environment)
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead], environment);

        using var response = await session.Client.GetAsync(Me);

        var me = await ApiAssert.JsonAsync(response);
        Assert.Equal(session.Key.Key.Id, me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Every_rejection_reads_the_same_so_a_caller_cannot_tell_which_check_failed()
    {
        var rejections = new Dictionary<string, Func<Task<HttpResponseMessage>>>
        {
            ["no header"] = NoHeaderAsync,
            ["empty header"] = EmptyHeaderAsync,
            ["two headers"] = TwoHeadersAsync,
            ["bearer"] = BearerAsync,
            ["malformed"] = () => app.ApiClient("not-a-key").GetAsync(Me),
            ["wrong checksum"] = WrongChecksumAsync,
            ["unknown"] = UnknownAsync,
            ["revoked"] = RevokedAsync,
            ["owner disabled"] = DisabledOwnerAsync,
        };

        var bodies = new Dictionary<string, string>();
        foreach (var (name, send) in rejections)
        {
            using var response = await send();
            bodies[name] = ApiAssert.WithoutTraceId(await ApiAssert.UnauthorizedAsync(response));
        }

        Assert.Single(bodies.Values.Distinct());
        var body = bodies.Values.First();
        foreach (var telltale in new[] { "revoked", "expired", "unknown", "locked", "checksum", "malformed", "format" })
        {
            Assert.DoesNotContain(telltale, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Malformed_keys_and_bad_checksums_are_rejected_without_looking_anything_up()
    {
        var session = await app.NewSessionAsync();
        var before = HashLookups();

        using (var malformed = await app.ApiClient("msk_live_" + new string('a', 41)).GetAsync(Me))
        using (var wrongChecksum = await WrongChecksumAsync())
        {
            await ApiAssert.UnauthorizedAsync(malformed);
            await ApiAssert.UnauthorizedAsync(wrongChecksum);
        }

        Assert.Equal(before, HashLookups());
        using var unknown = await UnknownAsync();
        await ApiAssert.UnauthorizedAsync(unknown);
        Assert.Equal(before + 1, HashLookups());
        using var valid = await session.Client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(before + 2, HashLookups());
    }

    [Fact]
    public async Task Dashboard_cookie_alone_never_authorises_an_api_call_and_is_not_sent_to_sign_in()
    {
        var owner = await app.NewOwnerAsync();
        var browser = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var signedIn = await IdentityForms.LoginAsync(browser, owner.UserName!, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using (var dashboard = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        }

        using var me = await browser.GetAsync(Me);
        using var write = await browser.PostAsync("/api/v1/memories", JsonContent("{\"content\":\"from a cookie\"}"));

        Assert.Null(me.Headers.Location);
        await ApiAssert.UnauthorizedAsync(me);
        Assert.Null(write.Headers.Location);
        await ApiAssert.UnauthorizedAsync(write);
        var ownersKey = await app.NewSessionAsync(owner);
        Assert.Empty(await ownersKey.ListAsync("/api/v1/memories"));
    }

    private Task<HttpResponseMessage> NoHeaderAsync() => app.ApiClient(key: null).GetAsync(Me);

    // HttpClient leaves a header with an empty value out of the request, so the test server is
    // handed the request with the header set to "" directly, as Kestrel would parse "X-Api-Key:".
    private async Task<HttpResponseMessage> EmptyHeaderAsync()
    {
        using var client = new HttpClient(app.Server.CreateHandler(context =>
            context.Request.Headers[ApiKeyHeader.Name] = ""))
        { BaseAddress = app.Server.BaseAddress };
        return await client.GetAsync(Me);
    }

    private async Task<HttpResponseMessage> TwoHeadersAsync()
    {
        var first = await app.NewSessionAsync();
        var second = await app.NewSessionAsync(first.Owner);
        using var request = new HttpRequestMessage(HttpMethod.Get, Me);
        request.Headers.Add(ApiKeyHeader.Name, [first.Key.Secret, second.Key.Secret]);
        return await app.ApiClient(key: null).SendAsync(request);
    }

    private async Task<HttpResponseMessage> BearerAsync()
    {
        var session = await app.NewSessionAsync();
        var client = app.ApiClient(key: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.Key.Secret);
        return await client.GetAsync(Me);
    }

    private async Task<HttpResponseMessage> WrongChecksumAsync()
    {
        var session = await app.NewSessionAsync();
        var secret = session.Key.Secret;
        var position = ApiKeyFormat.PrefixLength + 10;
        var changed = string.Concat(secret.AsSpan(0, position), secret[position] == 'a' ? "b" : "a", secret.AsSpan(position + 1));
        Assert.Matches(@"^msk_(live|test)_[0-9A-Za-z]{42}$", changed);
        Assert.False(ApiKeyFormat.TryParse(changed, out _));
        return await app.ApiClient(changed).GetAsync(Me);
    }

    private async Task<HttpResponseMessage> UnknownAsync()
    {
        var neverIssued = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;
        Assert.True(ApiKeyFormat.TryParse(neverIssued, out _));
        return await app.ApiClient(neverIssued).GetAsync(Me);
    }

    private async Task<HttpResponseMessage> RevokedAsync()
    {
        var session = await app.NewSessionAsync();
        var revoked = await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        return await session.Client.GetAsync(Me);
    }

    private async Task<HttpResponseMessage> DisabledOwnerAsync()
    {
        var session = await app.NewSessionAsync();
        await ChangeOwnerAsync(session, (users, user, now) =>
        {
            user.DisabledAt = now;
            user.DisabledReason = "account compromised";
            return users.UpdateAsync(user);
        });

        return await session.Client.GetAsync(Me);
    }

    private async Task ChangeOwnerAsync(ApiSession session, Func<UserManager<ApplicationUser>, ApplicationUser, DateTimeOffset, Task<IdentityResult>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(session.Owner.UserId);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var result = await change(users, user!, now);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    // The verifier's query by hash, as EF Core logs it: one per key that reaches the database.
    private int HashLookups() =>
        app.Logs.Lines().Count(line => line.Contains("Executed DbCommand", StringComparison.Ordinal)
            && line.Contains("\"SecretHash\" = ", StringComparison.Ordinal));

    private int MalformedRejections() =>
        app.Logs.Lines().Count(line => line.Contains($"API key rejected ({ApiKeyRejection.Malformed})", StringComparison.Ordinal));

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public sealed class OnSqlite(MemsolusAppFactory app) : ApiKeyVerificationTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : ApiKeyVerificationTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
