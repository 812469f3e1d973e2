using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Data;

// Makes sure the shared Data Protection key ring has a key before the node serves anyone. Left to
// itself, each node that starts on an empty key ring creates a key of its own at its first sign-in,
// and nodes that start together each sign cookies with a key the others may not read for a day
// (they re-read the ring every 24 hours). On PostgreSQL the first node to start takes an advisory
// lock, creates the key and releases it; the others wait, then find that key. Runs after the
// migrator (registration order), before Kestrel.
internal sealed class DataProtectionKeyRingInitializer(
    IDataProtectionProvider dataProtection,
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IOptions<DatabaseOptions> options) : IHostedService
{
    // Any fixed number, the same on every node: pg_advisory_lock's name for "the key ring".
    private const long KeyRingLock = 0x4d656d736f6c7573;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({KeyRingLock})", cancellationToken);
        try
        {
            // Protecting anything reads the ring, and creates and stores a key if it has none.
            dataProtection.CreateProtector("Memsolus.KeyRing").Protect([0]);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({KeyRingLock})", CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
