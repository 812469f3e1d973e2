using System.Security.Claims;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Authentication;

namespace Memsolus.Dashboard.Api;

// The owner and environment an API request acts in, from the verified key's claims. Every
// resource query filters by both, so a test key never sees live data and nobody sees another
// owner's data (design §4).
public sealed record ApiCaller(string OwnerId, ApiKeyEnvironment Environment, Guid KeyId)
{
    public static ApiCaller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ApiKeyClaimTypes.OwnerId) ?? throw new InvalidOperationException("Not an API key principal."),
        user.FindFirstValue(ApiKeyClaimTypes.Environment) == "live" ? ApiKeyEnvironment.Live : ApiKeyEnvironment.Test,
        Guid.Parse(user.FindFirstValue(ApiKeyClaimTypes.KeyId)!));
}
