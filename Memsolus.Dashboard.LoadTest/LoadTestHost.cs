using System.Net;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.LoadTest;

// The dashboard's own Program, built in Release, in Production, on a new SQLite file (or on a
// PostgreSQL database several hosts share), served by Kestrel on 127.0.0.1. It runs in this
// process so that the checks can revoke, rotate and edit keys through the app's own services,
// exactly as the dashboard's buttons do. It holds a plain WebApplicationFactory configured through
// WithWebHostBuilder (the tests' one app factory, with its log collector, is not the app as it runs).
internal sealed class LoadTestHost : IAsyncDisposable
{
    private readonly string? postgres;
    private readonly IReadOnlyDictionary<string, string?> extraSettings;
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"memsolus-load-{Guid.NewGuid():N}.db");
    private readonly WebApplicationFactory<Program> root = new();
    private readonly WebApplicationFactory<Program> factory;

    // extraSettings: configuration the scale checks add on top (Ingest limits, Outbound loopback).
    public LoadTestHost(string? postgres = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        this.postgres = postgres;
        this.extraSettings = extraSettings ?? new Dictionary<string, string?>();
        factory = root.WithWebHostBuilder(ConfigureWebHost);
    }

    public IServiceProvider Services => factory.Services;

    public bool OnPostgres => postgres is not null;

    public Uri BaseUrl { get; private set; } = null!;

    public AuditActor Owner { get; private set; } = null!;

    public ApiKeyStore Keys => Services.GetRequiredService<ApiKeyStore>();

    public async Task StartAsync(bool withOwner = true)
    {
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        BaseUrl = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        if (!withOwner)
        {
            return;
        }

        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = "load@memsolus.test", Email = "load@memsolus.test" };
        var created = await users.CreateAsync(user, "Load-Test-Password-2026!");
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        Owner = new AuditActor(user.Id, user.Email, "127.0.0.1", "load test");
    }

    public async Task<CreatedApiKey> NewKeyAsync(string name, params string[] permissions)
    {
        var result = await Keys.CreateAsync(Owner, new CreateApiKeyRequest(name, ApiKeyEnvironment.Live, permissions, ApiKeyExpiration.Never));
        return result.Value ?? throw new InvalidOperationException(result.Error?.Message);
    }

    // Issue 18's defences on the key under load, so the check measures their cost: an allowlist
    // holding wrk's loopback addresses and a rate limit far above what the machine can send, so
    // every request passes both checks and none is refused. Written to the columns directly
    // (the dialogs cap a limit at ApiKeyRules.MaxRequestsPerMinute, which one load client passes
    // in a few seconds), through the app's own context, so the cache reads them.
    public async Task LimitAsync(Guid keyId, IReadOnlyList<string> allowedNetworks, int requestsPerMinute)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var key = await db.ApiKeys.AsTracking().SingleAsync(k => k.Id == keyId);
        key.AllowedNetworks = [.. allowedNetworks];
        key.RequestsPerMinute = requestsPerMinute;
        await db.SaveChangesAsync();
    }

    // Sets the key's expiry a moment from now, saved through the app's own context (so the cache
    // drops the key and the next request reads the new expiry). Returns when it expires.
    public async Task<DateTimeOffset> ExpireSoonAsync(Guid keyId, TimeSpan from)
    {
        var expiresAt = DateTimeOffset.UtcNow + from;
        await using var db = await Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var key = await db.ApiKeys.AsTracking().SingleAsync(k => k.Id == keyId);
        key.ExpiresAt = expiresAt;
        await db.SaveChangesAsync();
        return expiresAt;
    }

    // A client signed in to the dashboard as an administrator, as a scraper of /metrics is: the
    // owner is put in role Admin and the client carries the sign-in cookie the app itself would
    // issue (made with its own protector), sent as a header because the cookie is Secure and the
    // loopback is plain HTTP; X-Forwarded-Proto as a TLS-terminating proxy listed in
    // ForwardedHeaders:KnownProxies sends it.
    public async Task<HttpClient> AdminClientAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(AdminOptions.RoleName))
        {
            await roles.CreateAsync(new IdentityRole(AdminOptions.RoleName));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(Owner.UserId) ?? throw new InvalidOperationException("The load test's owner is gone.");
        if (!await users.IsInRoleAsync(user, AdminOptions.RoleName))
        {
            await users.AddToRoleAsync(user, AdminOptions.RoleName);
        }

        // Outside Development an administrator needs two-factor sign-in turned on (Admin:RequireTwoFactor).
        await users.SetTwoFactorEnabledAsync(user, true);

        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>().CreateAsync(user);
        var cookie = Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var ticket = cookie.TicketDataFormat.Protect(new AuthenticationTicket(principal, IdentityConstants.ApplicationScheme));
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Add("Cookie", $"{cookie.Cookie.Name}={ticket}");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        return client;
    }

    private void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["Database:MigrateOnStartup"] = "true",
            ["ConnectionStrings:DefaultConnection"] = postgres ?? $"Data Source={databasePath}",
            // The junk-key flood must reach the verifier: by default the failed-attempt limiter
            // answers 429 after 100 failures a minute from one address, without verifying at all.
            ["ApiKeys:Verification:FailedAttemptLimit"] = "1000000",
            // wrk talks plain HTTP over loopback, as a TLS-terminating proxy would; outside
            // Development the API would otherwise refuse it with 403 (Api:RequireHttps).
            ["Api:RequireHttps"] = "false",
            // One Information line per rejected key (or per key created and revoked) would bury
            // the check's own lines on the console.
            ["Logging:LogLevel:Memsolus.Dashboard"] = "Warning",
        }).AddInMemoryCollection(extraSettings));
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await root.DisposeAsync();
        if (postgres is not null)
        {
            return;
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
