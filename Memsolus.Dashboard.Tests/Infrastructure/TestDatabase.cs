using System.Data.Common;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static Microsoft.Extensions.Options.Options;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// One migrated database for tests of the stores, without the rest of the app: a SQLite file copied
// from a template migrated once per test run, or a fresh copy of PostgreSQL's (PostgresTestServer);
// deleted or dropped on dispose. The same schema, converters and transactions as the app, a context
// per operation (so several "nodes", each with a factory of its own, may share it), a clock the test
// moves, and the app's stores over them, made on first use.
internal sealed class TestDatabase : IAsyncDisposable
{
    public const string ClientIp = "203.0.113.7";
    public const string UserAgent = "test-agent";

    public static readonly string[] SomePermissions = [Permissions.MemoryRead, Permissions.MemoryWrite];

    // IdentityDbContext shapes its tables from the IdentityOptions it finds in the app's services;
    // without them it leaves passkeys out of the model, which the migrations (made for the app's
    // SchemaVersion 3, see AccountExtensions) include. One provider for all, so EF Core builds its
    // internal services once rather than once per database.
    private static readonly ServiceProvider IdentityServices = new ServiceCollection()
        .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? sqliteTemplate;

    private ApiKeyStore? keys;
    private AdminApiKeyStore? adminKeys;
    private AdminAccountStore? adminAccounts;
    private AuditLogStore? auditLog;
    private KeyExpiryRunner? expiryRunner;
    private RequestCountRecorder? requestCounts;
    private UsageStore? usage;
    private KeyAlertStore? keyAlerts;
    private WebhookStore? webhooks;

    private TestDatabase(DatabaseProvider provider, string connectionString, ApiKeysOptions keyOptions)
    {
        Provider = provider;
        ConnectionString = connectionString;
        ContextOptions = OptionsFor(provider, connectionString);
        Contexts = new TestDbContextFactory(ContextOptions);
        KeyOptions = keyOptions;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public DbContextOptions<ApplicationDbContext> ContextOptions { get; }

    // What the stores below are given; Unavailable makes every new context fail.
    public TestDbContextFactory Contexts { get; }

    public FakeTimeProvider Clock { get; } = TestClock.New();

    // Read by the stores on every call, so a test may change them before acting.
    public ApiKeysOptions KeyOptions { get; }

    public KeyAlertOptions AlertOptions { get; } = new();

    public UsageOptions UsageOptions { get; } = new();

    // One of each per database, whichever thread asks first: tests call these from several threads
    // at once (RequestCountRecorderTests' writers), and a second recorder would take counts no
    // flush ever sees.
    public ApiKeyStore Keys => LazyInitializer.EnsureInitialized(ref keys, () => new(Contexts, Clock, Create(KeyOptions), NullLogger<ApiKeyStore>.Instance));

    public AdminApiKeyStore AdminKeys => LazyInitializer.EnsureInitialized(ref adminKeys, () => new(Contexts, Keys, Clock, Create(KeyOptions), NullLogger<AdminApiKeyStore>.Instance));

    public AdminAccountStore AdminAccounts => LazyInitializer.EnsureInitialized(ref adminAccounts, () => new(Contexts, Clock, NullLogger<AdminAccountStore>.Instance));

    public AuditLogStore AuditLog => LazyInitializer.EnsureInitialized(ref auditLog, () => new(Contexts));

    public KeyExpiryRunner ExpiryRunner => LazyInitializer.EnsureInitialized(ref expiryRunner, () => new(Contexts, Clock, NullLogger<KeyExpiryRunner>.Instance));

    // Requests recorded here reach the database only when a test flushes.
    public RequestCountRecorder RequestCounts => LazyInitializer.EnsureInitialized(ref requestCounts, () => new(Contexts, Clock, Create(UsageOptions), NullLogger<RequestCountRecorder>.Instance));

    public UsageStore Usage => LazyInitializer.EnsureInitialized(ref usage, () => new(Contexts, Keys, Clock));

    public KeyAlertStore KeyAlerts => LazyInitializer.EnsureInitialized(ref keyAlerts, () => new(Contexts, Keys, Clock, Create(AlertOptions)));

    // Secrets protected with a key ring of this database's own, which lives as long as it does.
    public WebhookStore Webhooks => LazyInitializer.EnsureInitialized(ref webhooks, () => new(Contexts, new WebhookSecrets(new EphemeralDataProtectionProvider()), new WebhookDeliveryQueue(), Create(new Microsoft.AspNetCore.Http.Json.JsonOptions()), Clock));

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, ApiKeysOptions? keyOptions = null)
    {
        string connectionString;
        if (provider == DatabaseProvider.Postgres)
        {
            connectionString = await PostgresTestServer.CreateDatabaseAsync();
        }
        else
        {
            var path = NewSqlitePath();
            File.Copy(await SqliteTemplateAsync(), path);
            connectionString = $"Data Source={path}";
        }

        return new TestDatabase(provider, connectionString, keyOptions ?? new ApiKeysOptions());
    }

    // Another node's factory on this database: its own switch, its own contexts.
    public TestDbContextFactory NewContextFactory() => new(ContextOptions);

    public ApplicationDbContext CreateContext() => new(ContextOptions);

    // The account row behind an actor (ApiKeys.OwnerId's foreign key), with the actor's id and email.
    public async Task AddUserAsync(AuditActor actor)
    {
        await using var db = CreateContext();
        db.Users.Add(new ApplicationUser
        {
            Id = actor.UserId,
            UserName = actor.UserName,
            NormalizedUserName = actor.UserName!.ToUpperInvariant(),
            Email = actor.UserName,
            NormalizedEmail = actor.UserName!.ToUpperInvariant(),
            EmailConfirmed = true,
        });
        await db.SaveChangesAsync();
    }

    // A new account, and the actor the stores are called as.
    public async Task<AuditActor> AddOwnerAsync(string prefix = "owner")
    {
        var actor = new AuditActor(Guid.NewGuid().ToString(), TestAccounts.NewEmail(prefix), ClientIp, UserAgent);
        await AddUserAsync(actor);
        return actor;
    }

    // A new account in role Admin.
    public async Task<AuditActor> AddAdminAsync(string prefix = "admin")
    {
        var actor = await AddOwnerAsync(prefix);
        await AddToRoleAsync(actor, AdminOptions.RoleName);
        return actor;
    }

    // The role as Identity stores it (a role row, made if missing, and a user-role row): the stores
    // check roles in the database, so that is what the tests give them.
    public async Task AddToRoleAsync(AuditActor actor, string role)
    {
        await using var db = CreateContext();
        var normalized = role.ToUpperInvariant();
        var roleRow = await db.Roles.SingleOrDefaultAsync(r => r.NormalizedName == normalized);
        if (roleRow is null)
        {
            roleRow = new IdentityRole(role) { NormalizedName = normalized };
            db.Roles.Add(roleRow);
        }

        db.UserRoles.Add(new IdentityUserRole<string> { UserId = actor.UserId, RoleId = roleRow.Id });
        await db.SaveChangesAsync();
    }

    public async Task RemoveFromRolesAsync(AuditActor actor)
    {
        await using var db = CreateContext();
        await db.UserRoles.Where(ur => ur.UserId == actor.UserId).ExecuteDeleteAsync();
    }

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
        var result = await Keys.CreateAsync(owner, Request(name, expiration, expiresOn, environment, permissions));
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

    // Every column of every row exactly as the database holds it, past EF Core and its converters.
    public async Task<List<Dictionary<string, object?>>> RawRowsAsync(RawTable table)
    {
        await using var connection = NewConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
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

    // A connection of the test's own, for SQL written by hand.
    public DbConnection NewConnection() => Provider == DatabaseProvider.Postgres
        ? new NpgsqlConnection(ConnectionString)
        : new SqliteConnection(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            await PostgresTestServer.DropDatabaseAsync(ConnectionString);
        }
        else
        {
            DeleteSqliteFile(new SqliteConnectionStringBuilder(ConnectionString).DataSource);
        }
    }

    public static string NewSqlitePath() =>
        Path.Combine(Path.GetTempPath(), $"memsolus-tests-{Guid.NewGuid():N}.db");

    // Pooled connections keep the file open: they are closed first.
    public static void DeleteSqliteFile(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            File.Delete(file);
        }
    }

    internal static DbContextOptions<ApplicationDbContext> OptionsFor(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<ApplicationDbContext>().UseApplicationServiceProvider(IdentityServices);
        DataExtensions.Configure(builder, provider, connectionString);
        return builder.Options;
    }

    // Migrated once per test run; every SQLite test database is a copy of it.
    private static async Task<string> SqliteTemplateAsync()
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (sqliteTemplate is null)
            {
                var path = NewSqlitePath();
                await using (var db = new ApplicationDbContext(OptionsFor(DatabaseProvider.Sqlite, $"Data Source={path}")))
                {
                    await db.Database.MigrateAsync();
                }

                SqliteConnection.ClearAllPools();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteSqliteFile(path);
                sqliteTemplate = path;
            }

            return sqliteTemplate;
        }
        finally
        {
            TemplateGate.Release();
        }
    }
}
