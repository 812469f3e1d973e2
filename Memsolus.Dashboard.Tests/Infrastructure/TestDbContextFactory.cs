using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The IDbContextFactory that stores under test are given: a new context per operation on one
// TestDatabase, and a switch that makes the database unreachable, to see what a failed round does.
internal sealed class TestDbContextFactory(DbContextOptions<ApplicationDbContext> options) : IDbContextFactory<ApplicationDbContext>
{
    public bool Unavailable { get; set; }

    public ApplicationDbContext CreateDbContext() =>
        Unavailable ? throw new InvalidOperationException("The database is unavailable.") : new ApplicationDbContext(options);
}
