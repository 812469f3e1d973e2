using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.AspNetCore.Http.Features;

namespace Memsolus.Dashboard.ApiKeys;

internal static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeys(this RouteGroupBuilder api)
    {
        // The verified key itself (set by ApiKeyAuthenticator), not its claims: nothing to parse.
        api.MapGet("/me", (HttpContext http) =>
            {
                var key = http.Features.GetRequiredFeature<VerifiedApiKey>();
                return new JsonAnswer<MeDto>(
                    new MeDto(key.Id, key.Name, key.Environment.Name(), key.EffectivePermissions, key.ExpiresAt, key.Quarantined,
                        key.Quarantined ? [.. key.Permissions.Except(key.EffectivePermissions)] : []),
                    ApiJsonContext.Default.MeDto);
            })
            .WithTags("Keys")
            .WithName("GetMe").WithSummary("The calling API key: id, name, environment, permissions it may use now, expiry, and whether it is quarantined")
            .RequireAnyValidKey();
        return api;
    }
}
