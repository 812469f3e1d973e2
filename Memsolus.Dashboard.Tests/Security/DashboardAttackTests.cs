using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Microsoft.Extensions.DependencyInjection;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): the dashboard's key actions against a key
// of another account (IDOR). Every action takes the signed-in account and an id; for an id that
// is not that account's, the key service answers "not found" exactly as for an id that does not
// exist, changes nothing, and the owner's key keeps working. On both
// providers; the same through a dialog is in DashboardComponentAttackTests.
public abstract class DashboardAttackTests(MemsolusAppFactory app)
{
    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Theory]
    [InlineData("revoke")]
    [InlineData("rotate")]
    [InlineData("rename")]
    public async Task Idor_on_another_owners_key_is_not_found_and_the_owners_key_still_works(string action)
    {
        var victim = await app.NewSessionAsync([Permissions.MemoryRead]);
        var attacker = await app.NewOwnerAsync("attacker");
        var id = victim.Key.Key.Id;

        var error = await ActAsync(action, attacker, id);
        var unknownError = await ActAsync(action, attacker, Guid.CreateVersion7());

        Assert.Equal(ApiKeyErrorKind.NotFound, error.Kind);
        Assert.Equal(unknownError, error);
        Assert.Null(await Keys.GetAsync(attacker, id));
        Assert.Empty(await Keys.ListAsync(attacker));
        var untouched = await Keys.GetAsync(victim.Owner, id);
        Assert.Equal(victim.Key.Key.Name, untouched!.Name);
        Assert.Equal(ApiKeyStatus.Active, untouched.Status);
        Assert.Single(await Keys.ListAsync(victim.Owner));
        using var response = await victim.Client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<ApiKeyError> ActAsync(string action, AuditActor actor, Guid id) => action switch
    {
        "revoke" => (await Keys.RevokeAsync(actor, id, "mine now")).Error!,
        "rotate" => (await Keys.RotateAsync(actor, id, RotationGrace.Immediately)).Error!,
        "rename" => (await Keys.UpdateAsync(actor, id, new UpdateApiKeyRequest("taken-over", ApiSession.AllPermissions))).Error!,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public sealed class OnSqlite(MemsolusAppFactory app) : DashboardAttackTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : DashboardAttackTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
