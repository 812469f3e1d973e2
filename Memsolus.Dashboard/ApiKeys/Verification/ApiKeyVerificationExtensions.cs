using Memsolus.Dashboard.Hosting;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Memsolus.Dashboard.ApiKeys.Verification;

internal static class ApiKeyVerificationExtensions
{
    public static WebApplicationBuilder AddApiKeyVerification(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<ApiKeyVerificationOptions>(ApiKeyVerificationOptions.SectionName);

        services.AddSingleton<ApiKeyMetrics>();
        services.AddSingleton<ApiKeyCache>();
        // A cache miss takes a context from a pool of its own rather than building one: building
        // a context is most of a miss's cost and nearly all of its allocation. Same options (and
        // so the same database and interceptors) as every other context of the app.
        services.AddSingleton(provider => new ApiKeyVerifier(
            new PooledDbContextFactory<ApplicationDbContext>(provider.GetRequiredService<DbContextOptions<ApplicationDbContext>>(), poolSize: 64),
            provider.GetRequiredService<ApiKeyCache>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ApiKeyMetrics>()));
        // Every context the factory creates saves through it (AddData adds each IInterceptor).
        services.AddSingleton<IInterceptor, ApiKeyCacheInvalidator>();
        // Other nodes' changes, on PostgreSQL. Always registered: it decides when it starts,
        // once every configuration source (test hosts included) has had its say, and never runs
        // on SQLite, with the cache off or with CrossNodeInvalidation off (BackgroundWorker.Enabled).
        services.AddHostedService<ApiKeyChangeWorker>();
        services.AddSingleton<FailedAttemptLimiter>();
        // Shares the limiter's counts between nodes on PostgreSQL; does nothing on SQLite.
        services.AddHostedService<FailedAttemptSyncWorker>();
        services.AddSingleton<RequestRateLimiter>();
        // Shares rate-limited keys' requests between nodes on PostgreSQL; does nothing on SQLite.
        services.AddHostedService<RequestRateSyncWorker>();
        services.AddSingleton<LastUsedRecorder>();
        services.AddHostedService<LastUsedWorker>();

        // The API authenticates and authorises in ApiMiddleware (Api/), with this, not through
        // an ASP.NET authentication scheme and authorization policies: their per-request
        // machinery (handler activation, policy evaluation, principal merging) cost more than the
        // verification itself, and a key-checked request should cost what an anonymous one
        // does (docs/performance.md). The checks are the same: the checks in docs/security.md, step by step.
        services.AddSingleton<ApiKeyAuthenticator>();
        return builder;
    }
}
