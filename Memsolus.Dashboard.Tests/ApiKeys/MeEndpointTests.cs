using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// GET /api/v1/me needs a valid key and nothing more (docs/api.md).
public abstract class MeEndpointTests(MemsolusAppFactory app)
{
    public static TheoryData<string> EveryPermission => new(Permissions.All.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(EveryPermission))]
    public async Task Any_valid_key_may_read_me_whatever_single_permission_it_holds(string permission)
    {
        var session = await app.NewSessionAsync([permission]);

        using var response = await session.Client.GetAsync("/api/v1/me");

        var me = await ApiAssert.JsonAsync(response);
        Assert.Equal([permission], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Me_describes_the_calling_key_id_name_environment_permissions_expiry_and_quarantine()
    {
        var session = await app.NewSessionAsync(
            [Permissions.KnowledgeWrite, Permissions.MemoryRead], ApiKeyEnvironment.Test, ApiKeyExpiration.Days90);

        using var response = await session.Client.GetAsync("/api/v1/me");

        var me = await ApiAssert.JsonAsync(response);
        Assert.Equal(
            ["id", "name", "environment", "permissions", "expiresAt", "quarantined", "withheldPermissions"],
            me.EnumerateObject().Select(p => p.Name));
        Assert.Equal(session.Key.Key.Id, me.GetProperty("id").GetGuid());
        Assert.Equal(session.Key.Key.Name, me.GetProperty("name").GetString());
        Assert.Equal("test", me.GetProperty("environment").GetString());
        Assert.Equal([Permissions.MemoryRead, Permissions.KnowledgeWrite], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(session.Key.Key.ExpiresAt, me.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.False(me.GetProperty("quarantined").GetBoolean());
        Assert.Empty(me.GetProperty("withheldPermissions").EnumerateArray());
        Assert.DoesNotContain(session.Key.Secret, me.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_of_a_key_that_never_expires_has_a_null_expiry()
    {
        var session = await app.NewSessionAsync([Permissions.DashboardRead]);

        var me = await session.GetJsonAsync("/api/v1/me");

        Assert.Equal("live", me.GetProperty("environment").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("expiresAt").ValueKind);
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : MeEndpointTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : MeEndpointTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
