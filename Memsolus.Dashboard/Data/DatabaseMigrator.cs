using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Data;

// Runs before the server starts listening (hosted services start in registration order, ahead of
// Kestrel), so no request ever sees a database without its schema.
internal sealed partial class DatabaseMigrator(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        LogApplying(logger, pending.Count, string.Join(", ", pending));
        await context.Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} database migration(s): {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, string migrations);
}
