using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The IDbContextFactory a test gives the code under test: a new context per operation (on a
// TestDatabase, or over the app's own factory), a switch that makes the database unreachable, to
// see what a failed round does, and a count of the contexts it served.
internal sealed class TestDbContextFactory(Func<ApplicationDbContext> create) : IDbContextFactory<ApplicationDbContext>
{
    public const string UnavailableMessage = "The database is unavailable.";

    private volatile bool unavailable;
    private int served;

    public TestDbContextFactory(DbContextOptions<ApplicationDbContext> options)
        : this(() => new ApplicationDbContext(options))
    {
    }

    // Read by other threads (a worker's rounds), so it is volatile.
    public bool Unavailable
    {
        get => unavailable;
        set => unavailable = value;
    }

    public int Served => Volatile.Read(ref served);

    // The app's own database, behind the switch.
    public static TestDbContextFactory Over(IDbContextFactory<ApplicationDbContext> inner) => new(inner.CreateDbContext);

    public ApplicationDbContext CreateDbContext()
    {
        if (Unavailable)
        {
            throw new InvalidOperationException(UnavailableMessage);
        }

        Interlocked.Increment(ref served);
        return create();
    }
}
