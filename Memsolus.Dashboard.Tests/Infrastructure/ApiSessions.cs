using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Infrastructure;

internal static class ApiSessions
{
    public static async Task<ApiSession> NewSessionAsync(
        this MemsolusAppFactory app,
        IReadOnlyCollection<string>? permissions = null,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never)
    {
        var owner = await app.NewOwnerAsync();
        return await app.NewSessionAsync(owner, permissions, environment, expiration);
    }

    // Another key of an existing account.
    public static async Task<ApiSession> NewSessionAsync(
        this MemsolusAppFactory app,
        AuditActor owner,
        IReadOnlyCollection<string>? permissions = null,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never)
    {
        var key = await app.NewKeyAsync(owner, permissions ?? ApiSession.AllPermissions, environment, expiration);
        return new ApiSession(owner, key, app.ApiClient(key.Secret));
    }
}
