using BenchmarkDotNet.Attributes;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Benchmarks;

// The admin console against 100,000 keys of 10,000 accounts on SQLite: every search kind, the
// filters and the sorts, each a page of 25 plus the total count, as the page asks for them.
// Baseline: fetching one key by its primary key, in the same run.
[MemoryDiagnoser]
public class AdminSearchBenchmarks
{
    private const int Accounts = 10_000;
    private const int KeysPerAccount = 10;

    private BenchmarkDatabase database = default!;
    private AdminApiKeyStore service = default!;
    private AuditActor admin = default!;
    private Guid someKeyId;
    private string pastedKey = default!;
    private string someEmail = default!;
    private string someName = default!;
    private string someDisplayPrefix = default!;

    [GlobalSetup]
    public void Seed()
    {
        database = new BenchmarkDatabase();
        var clock = TimeProvider.System;
        var options = Options.Create(new ApiKeysOptions());
        service = new AdminApiKeyStore(database, new ApiKeyStore(database, clock, options, NullLogger<ApiKeyStore>.Instance), clock, options, NullLogger<AdminApiKeyStore>.Instance);

        using var connection = new SqliteConnection($"Data Source={database.Path}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow;
        var user = connection.CreateCommand();
        user.CommandText = "INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount) VALUES ($id, $email, $norm, $email, $norm, 1, 0, 0, 1, 0)";
        var userId = user.Parameters.Add("$id", SqliteType.Text);
        var userEmail = user.Parameters.Add("$email", SqliteType.Text);
        var userNorm = user.Parameters.Add("$norm", SqliteType.Text);
        var key = connection.CreateCommand();
        key.CommandText = """
            INSERT INTO ApiKeys (Id, OwnerId, Name, NormalizedName, Environment, Permissions, SecretHash, DisplayKey, CreatedAt, CreatedBy, Expiration, ExpiresAt, LastUsedAt, RevokedAt, RevokedByAdmin, Version)
            VALUES ($id, $owner, $name, $norm, $env, '["memory.read","knowledge.read"]', $hash, $display, $created, $owner, 'Never', NULL, $used, $revoked, 0, $version)
            """;
        var keyId = key.Parameters.Add("$id", SqliteType.Text);
        var keyOwner = key.Parameters.Add("$owner", SqliteType.Text);
        var keyName = key.Parameters.Add("$name", SqliteType.Text);
        var keyNorm = key.Parameters.Add("$norm", SqliteType.Text);
        var keyEnv = key.Parameters.Add("$env", SqliteType.Text);
        var keyHash = key.Parameters.Add("$hash", SqliteType.Blob);
        var keyDisplay = key.Parameters.Add("$display", SqliteType.Text);
        var keyCreated = key.Parameters.Add("$created", SqliteType.Integer);
        var keyUsed = key.Parameters.Add("$used", SqliteType.Integer);
        var keyRevoked = key.Parameters.Add("$revoked", SqliteType.Integer);
        var keyVersion = key.Parameters.Add("$version", SqliteType.Text);
        user.Transaction = key.Transaction = transaction;

        string[] integrations = ["production-agent", "crm-integration", "support-bot", "etl-nightly", "staging-agent"];
        for (var a = 0; a < Accounts; a++)
        {
            var owner = Guid.NewGuid().ToString();
            var email = $"owner{a:D5}@example.com";
            userId.Value = owner;
            userEmail.Value = email;
            userNorm.Value = email.ToUpperInvariant();
            user.ExecuteNonQuery();
            for (var k = 0; k < KeysPerAccount; k++)
            {
                var environment = k % 3 == 0 ? ApiKeyEnvironment.Test : ApiKeyEnvironment.Live;
                var generated = ApiKeyFormat.Generate(environment);
                var id = Guid.CreateVersion7();
                var name = $"{integrations[k % integrations.Length]}-{k}";
                keyId.Value = id.ToString().ToUpperInvariant();
                keyOwner.Value = owner;
                keyName.Value = name;
                keyNorm.Value = name.ToUpperInvariant();
                keyEnv.Value = environment.ToString();
                keyHash.Value = generated.Hash;
                keyDisplay.Value = generated.DisplayKey;
                keyCreated.Value = now.AddMinutes(-(a * KeysPerAccount + k)).UtcTicks;
                keyUsed.Value = k % 2 == 0 ? now.AddHours(-k).UtcTicks : DBNull.Value;
                keyRevoked.Value = k == 9 ? now.AddDays(-1).UtcTicks : DBNull.Value;
                keyVersion.Value = Guid.NewGuid().ToString().ToUpperInvariant();
                key.ExecuteNonQuery();
                if (a == Accounts / 2 && k == 4)
                {
                    someKeyId = id;
                    pastedKey = generated.Secret;
                    someEmail = email;
                    someName = name;
                    someDisplayPrefix = generated.DisplayKey[..13];
                }
            }
        }

        transaction.Commit();
        using (var analyze = connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE;";
            analyze.ExecuteNonQuery();
        }

        admin = SeedAdmin();
    }

    private AuditActor SeedAdmin()
    {
        using var db = database.CreateDbContext();
        var role = new Microsoft.AspNetCore.Identity.IdentityRole("Admin") { NormalizedName = "ADMIN" };
        var user = new ApplicationUser { UserName = "admin@example.com", Email = "admin@example.com", NormalizedEmail = "ADMIN@EXAMPLE.COM", NormalizedUserName = "ADMIN@EXAMPLE.COM" };
        db.Roles.Add(role);
        db.Users.Add(user);
        db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { RoleId = role.Id, UserId = user.Id });
        db.SaveChanges();
        return new AuditActor(user.Id, user.Email, null, null);
    }

    [GlobalCleanup]
    public void Cleanup() => database.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<object?> Key_by_primary_key()
    {
        await using var db = database.CreateDbContext();
        return await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == someKeyId);
    }

    [Benchmark]
    public Task First_page_newest_first() => service.SearchAsync(admin, new AdminKeyQuery());

    [Benchmark]
    public Task Search_owner_email() => service.SearchAsync(admin, new AdminKeyQuery(Search: someEmail));

    [Benchmark]
    public Task Search_key_name() => service.SearchAsync(admin, new AdminKeyQuery(Search: someName));

    [Benchmark]
    public Task Search_display_prefix() => service.SearchAsync(admin, new AdminKeyQuery(Search: someDisplayPrefix));

    [Benchmark]
    public Task Search_pasted_key() => service.SearchAsync(admin, new AdminKeyQuery(Search: pastedKey));

    [Benchmark]
    public Task Filter_revoked_test_keys() => service.SearchAsync(admin, new AdminKeyQuery(Status: AdminKeyStatusFilter.Revoked, Environment: ApiKeyEnvironment.Test));

    [Benchmark]
    public Task Sort_by_owner_page_100() => service.SearchAsync(admin, new AdminKeyQuery(Sort: AdminKeySort.Owner, Descending: false, Page: 100));
}
