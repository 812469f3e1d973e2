using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// ApiKeyStore over a real, migrated database: on SQLite one that lives in memory for as long as
// this object holds its connection open, on PostgreSQL a fresh copy of the migrated template
// (PostgresTestServer), dropped on dispose. The same schema, converters and transactions as the
// app, but one database per test and a clock the test moves by hand.
internal sealed class ApiKeyTestDatabase : IAsyncDisposable
{
    // Mid-morning rather than midnight, so "valid through a chosen day" is told apart from "now".
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    public const string ClientIp = "203.0.113.7";
    public const string UserAgent = "test-agent";

    // IdentityDbContext shapes its tables from the IdentityOptions it finds in the app's services;
    // without them it builds the schema without passkeys, which the migrations (made for the app's
    // SchemaVersion 3, see AccountExtensions) do not match and Migrate refuses.
    private static readonly ServiceProvider IdentityServices = new ServiceCollection()
        .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    private readonly DbContextOptions<ApplicationDbContext> contextOptions;

    private readonly string connectionString;

    private ApiKeyTestDatabase(DatabaseProvider provider, DbConnection connection, string connectionString, ApiKeysOptions options)
    {
        Provider = provider;
        Connection = connection;
        this.connectionString = connectionString;
        var builder = new DbContextOptionsBuilder<ApplicationDbContext>().UseApplicationServiceProvider(IdentityServices);
        contextOptions = (provider == DatabaseProvider.Postgres
            ? builder.UseNpgsql(connectionString)
            : builder.UseSqlite(connection)).Options;
        Service = new ApiKeyStore(
            new ContextFactory(contextOptions),
            Clock,
            Options.Create(options),
            NullLogger<ApiKeyStore>.Instance);
    }

    public DatabaseProvider Provider { get; }

    // Open for the object's lifetime: on SQLite it is what keeps the in-memory database alive.
    public DbConnection Connection { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public ApiKeyStore Service { get; }

    public static Task<ApiKeyTestDatabase> CreateAsync(ApiKeysOptions? options = null) =>
        CreateAsync(DatabaseProvider.Sqlite, options);

    public static async Task<ApiKeyTestDatabase> CreateAsync(DatabaseProvider provider, ApiKeysOptions? options = null)
    {
        // Npgsql forgets the password once a connection opens: keep the string for the contexts.
        var connectionString = provider == DatabaseProvider.Postgres
            ? await PostgresTestServer.CreateDatabaseAsync()
            : "Data Source=:memory:";
        DbConnection connection = provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(connectionString)
            : new SqliteConnection(connectionString);
        await connection.OpenAsync();
        var database = new ApiKeyTestDatabase(provider, connection, connectionString, options ?? new ApiKeysOptions());
        if (provider == DatabaseProvider.Sqlite)
        {
            await using var db = database.CreateContext();
            await db.Database.MigrateAsync();
        }

        return database;
    }

    public ApplicationDbContext CreateContext() => new(contextOptions);

    // An account row for ApiKeys.OwnerId's foreign key, and the actor the service is called as.
    public async Task<AuditActor> AddOwnerAsync(string prefix = "owner")
    {
        var email = TestAccounts.NewEmail(prefix);
        var user = new ApplicationUser
        {
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
        };
        await using var db = CreateContext();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return new AuditActor(user.Id, email, ClientIp, UserAgent);
    }

    public static readonly string[] SomePermissions = [Permissions.MemoryRead, Permissions.MemoryWrite];

    public static CreateApiKeyRequest Request(
        string name,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never,
        DateOnly? expiresOn = null,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        IReadOnlyCollection<string>? permissions = null) =>
        new(name, environment, permissions ?? SomePermissions, expiration, expiresOn);

    // For tests whose subject is what happens to a key after it exists.
    public async Task<CreatedApiKey> CreateKeyAsync(
        AuditActor owner,
        string name,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never,
        DateOnly? expiresOn = null,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        IReadOnlyCollection<string>? permissions = null)
    {
        var result = await Service.CreateAsync(owner, Request(name, expiration, expiresOn, environment, permissions));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    public async Task<ApiKey> KeyRowAsync(Guid id)
    {
        await using var db = CreateContext();
        return await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id);
    }

    public async Task<int> KeyCountAsync()
    {
        await using var db = CreateContext();
        return await db.ApiKeys.CountAsync();
    }

    // Oldest first, as they were written.
    public async Task<List<AuditEvent>> AuditEventsAsync()
    {
        await using var db = CreateContext();
        return await db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    // Every column of every row exactly as the database holds it, past EF and its converters.
    public async Task<List<Dictionary<string, object?>>> RawRowsAsync(RawTable table)
    {
        await using var command = Connection.CreateCommand();
        command.CommandText = table switch
        {
            RawTable.ApiKeys => "SELECT * FROM \"ApiKeys\"",
            RawTable.AuditEvents => "SELECT * FROM \"AuditEvents\"",
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (Provider == DatabaseProvider.Postgres)
        {
            await PostgresTestServer.DropDatabaseAsync(connectionString);
        }
    }

    private sealed class ContextFactory(DbContextOptions<ApplicationDbContext> options) : IDbContextFactory<ApplicationDbContext>
    {
        public ApplicationDbContext CreateDbContext() => new(options);
    }
}

internal enum RawTable
{
    ApiKeys,
    AuditEvents,
}
