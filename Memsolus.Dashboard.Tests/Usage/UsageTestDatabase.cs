using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.ApiKeys;
using Memsolus.Dashboard.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Usage;

// The usage services over ApiKeyTestDatabase: a migrated in-memory SQLite database, the real
// ApiKeyStore and a clock the test moves. Requests are recorded through the real recorder and
// reach the database only when a test flushes.
internal sealed class UsageTestDatabase : IAsyncDisposable
{
    private UsageTestDatabase(ApiKeyTestDatabase keys)
    {
        Keys = keys;
        Factory = new SwitchableContextFactory(keys.CreateContext);
        Recorder = new RequestCountRecorder(Factory, keys.Clock, Options.Create(new UsageOptions()), NullLogger<RequestCountRecorder>.Instance);
        Usage = new UsageStore(Factory, keys.Service, keys.Clock);
        Hygiene = new KeyAlertStore(Factory, keys.Service, keys.Clock, Options.Create(AlertOptions));
    }

    public ApiKeyTestDatabase Keys { get; }

    public FakeTimeProvider Clock => Keys.Clock;

    public SwitchableContextFactory Factory { get; }

    // Read by the hygiene service on every call, so a test may change it before asking.
    public KeyAlertOptions AlertOptions { get; } = new();

    public RequestCountRecorder Recorder { get; }

    public UsageStore Usage { get; }

    public KeyAlertStore Hygiene { get; }

    public static async Task<UsageTestDatabase> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite) => new(await ApiKeyTestDatabase.CreateAsync(provider));

    public Task<AuditActor> AddOwnerAsync(string prefix = "owner") => Keys.AddOwnerAsync(prefix);

    public async Task<ApiKeySummary> CreateKeyAsync(
        AuditActor owner,
        string name,
        IReadOnlyCollection<string>? permissions = null,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never,
        DateOnly? expiresOn = null) =>
        (await Keys.CreateKeyAsync(owner, name, expiration, expiresOn, environment, permissions ?? [Permissions.MemoryRead])).Key;

    // Requests made at the clock's time, as the counting middleware records them.
    public void Requests(ApiKeySummary key, AuditActor owner, int count, string outcome, string group = "memories", DateTimeOffset? at = null)
    {
        for (var i = 0; i < count; i++)
        {
            Recorder.Record(key.Id, owner.UserId, at ?? Clock.GetUtcNow(), group, outcome);
        }
    }

    public async Task MarkUsedAsync(ApiKeySummary key, DateTimeOffset at)
    {
        await using var db = Keys.CreateContext();
        await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at));
    }

    public async Task<List<UsageCounter>> CountersAsync()
    {
        await using var db = Keys.CreateContext();
        return await db.UsageCounters.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
    }

    public ValueTask DisposeAsync() => Keys.DisposeAsync();

    // A database that can be made unreachable, to see what a failed flush does.
    internal sealed class SwitchableContextFactory(Func<ApplicationDbContext> create) : IDbContextFactory<ApplicationDbContext>
    {
        public bool Unavailable { get; set; }

        public ApplicationDbContext CreateDbContext() =>
            Unavailable ? throw new InvalidOperationException("The database is unavailable.") : create();
    }
}
