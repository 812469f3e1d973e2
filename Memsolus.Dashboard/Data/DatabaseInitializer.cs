using Memsolus.Dashboard.Data.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Data;

// Runs before the server starts listening (hosted services start in registration order, ahead of
// Kestrel), so no request ever sees a database without its schema. On PostgreSQL the schema is
// migrated beforehand by one command (docs/several-nodes.md) and a node only checks it:
// one that finds migrations missing refuses to start rather than serve a schema it was not built for.
internal sealed partial class DatabaseInitializer(
    DbContextOptions<ApplicationDbContext> contextOptions,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var context = CreateMigrationContext(contextOptions, settings.Provider);
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        if (!settings.ShouldMigrateOnStartup)
        {
            throw new InvalidOperationException(
                $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}). Apply them first (docs/several-nodes.md), or set Database:MigrateOnStartup=true on one node.");
        }

        LogApplying(logger, pending.Count, string.Join(", ", pending));
        await context.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Each provider's migrations belong to a context type of their own.
    internal static ApplicationDbContext CreateMigrationContext(DbContextOptions<ApplicationDbContext> contextOptions, DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? new PostgresDbContext(contextOptions) : new ApplicationDbContext(contextOptions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} database migration(s): {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string migrations);
}
