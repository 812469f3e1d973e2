using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Health;

internal static class HealthExtensions
{
    public const string ReadyTag = "ready";

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
}
