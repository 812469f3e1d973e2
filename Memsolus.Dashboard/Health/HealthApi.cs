using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Memsolus.Dashboard.Health;

internal static class HealthApi
{
    public static WebApplication MapHealth(this WebApplication app)
    {
        // Liveness runs no check at all: it answers as long as the process can serve a request.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous()
            .DisableHttpMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthExtensions.ReadyTag) })
            .AllowAnonymous();
        return app;
    }
}
