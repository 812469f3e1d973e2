using System.Net;
using Memsolus.Dashboard.ApiKeys;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): what the key itself says. A real key changed
// in any way is refused (its checksum catches most changes before any database work), and a valid
// key of one environment sees nothing of the other. On both providers.
public abstract class KeyValueAttackTests(MemsolusAppFactory app)
{
    // Prefixes that look like msk_live_ / msk_test_: other words, other case, other separators and
    // Cyrillic letters that render like Latin ones (е U+0435, м U+043C, к U+043A, ѕ U+0455).
    [Theory]
    [InlineData("msk_prod_")]
    [InlineData("MSK_LIVE_")]
    [InlineData("msk-live-")]
    [InlineData("sk_live__")]
    [InlineData("msk_livе_")]
    [InlineData("мsk_live_")]
    [InlineData("msк_live_")]
    [InlineData("mѕk_test_")]
    public async Task Wrong_or_lookalike_prefix_is_401_without_a_lookup(string prefix)
    {
        var session = await app.NewSessionAsync();
        var forged = prefix + session.Key.Secret[ApiKeyFormat.PrefixLength..];
        Assert.Equal(session.Key.Secret.Length, forged.Length);
        var lookups = app.HashLookups();

        using var response = await app.ApiClient(key: null).SendAsync(Request(forged));

        await ApiAssert.UnauthorizedAsync(response);
        Assert.Equal(lookups, app.HashLookups());
    }

    [Theory]
    [InlineData("truncated by one")]
    [InlineData("truncated to the prefix and random part")]
    [InlineData("random character flipped")]
    [InlineData("checksum character flipped")]
    [InlineData("extended by one")]
    [InlineData("extended by a second key")]
    [InlineData("reversed")]
    public async Task Truncated_flipped_or_extended_key_is_401(string change)
    {
        var session = await app.NewSessionAsync();
        var secret = session.Key.Secret;
        var changed = change switch
        {
            "truncated by one" => secret[..^1],
            "truncated to the prefix and random part" => secret[..(ApiKeyFormat.PrefixLength + ApiKeyFormat.RandomLength)],
            "random character flipped" => Flip(secret, ApiKeyFormat.PrefixLength + 10),
            "checksum character flipped" => Flip(secret, ApiKeyFormat.Length - 1),
            "extended by one" => secret + "A",
            "extended by a second key" => secret + secret,
            "reversed" => new string(secret.Reverse().ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        using var response = await app.ApiClient(changed).GetAsync(Me);

        await ApiAssert.UnauthorizedAsync(response);
        using var original = await session.Client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
    }

    // One owner, one key per environment: a memory written with one is not found with the other,
    // by id, in the list or in search.
    [Theory]
    [InlineData(ApiKeyEnvironment.Test, ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Live, ApiKeyEnvironment.Test)]
    public async Task Key_of_one_environment_sees_nothing_of_the_other(ApiKeyEnvironment writer, ApiKeyEnvironment reader)
    {
        var written = await app.NewSessionAsync(environment: writer);
        var other = await app.NewSessionAsync(written.Owner, environment: reader);
        var memory = await written.CreateMemoryAsync("only in one environment");
        var id = memory.GetProperty("id").GetGuid();

        using var byId = await other.Client.GetAsync($"/api/v1/memories/{id}");
        using var delete = await other.Client.DeleteAsync($"/api/v1/memories/{id}");

        await ApiAssert.ProblemAsync(byId, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound);
        Assert.Empty(await other.IdsAsync("/api/v1/memories"));
        Assert.Equal([id], await written.IdsAsync("/api/v1/memories"));
    }

    private static HttpRequestMessage Request(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Me);
        request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        return request;
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : KeyValueAttackTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : KeyValueAttackTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
