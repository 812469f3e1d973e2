using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;

namespace Memsolus.Dashboard.Api;

// The owner and environment an API request acts in, from the key ApiMiddleware verified. Every
// resource query filters by both, so a test key never sees live data and nobody sees another
// owner's data (docs/security.md, "Each request sees only its owner's data").
internal sealed record ApiCaller(string OwnerId, ApiKeyEnvironment Environment, Guid KeyId)
{
    public static ApiCaller From(HttpContext http) =>
        http.Features.Get<VerifiedApiKey>() is { } key
            ? new(key.OwnerId, key.Environment, key.Id)
            : throw new InvalidOperationException("Not an API request with a verified key.");
}
