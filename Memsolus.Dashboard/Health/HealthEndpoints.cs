using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Health;

internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            // A real query, not just opening the file: SQLite opens almost any file happily and
            // fails only when a table is read.
            .AddDbContextCheck<ApplicationDbContext>("database", tags: [ReadyTag], customTestQuery: async (db, cancellationToken) =>
            {
                await db.Users.AsNoTracking().AnyAsync(cancellationToken);
                return true;
            });
        return builder;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        // Liveness runs no check at all: it answers as long as the process can serve a request.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous()
            .DisableHttpMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) })
            .AllowAnonymous();
        return app;
    }
}
