using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Data.Postgres;

// The context type PostgreSQL's migrations belong to (Data/Postgres/Migrations), so that they and
// SQLite's (Data/Migrations, on ApplicationDbContext) live side by side in one assembly, each
// with its own model snapshot. It adds nothing to the model: the app reads and writes through
// ApplicationDbContext on either provider, and only migrating needs this type.
internal sealed class PostgresDbContext(DbContextOptions<ApplicationDbContext> options) : ApplicationDbContext(options);
