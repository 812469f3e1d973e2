using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Hears of key changes made on other nodes and drops them from this node's cache (PostgreSQL, with
// ApiKeys:Verification:CrossNodeInvalidation and the cache on; otherwise it never runs).
// Every node writes its changes to ApiKeyChanges in the change's own transaction
// (ApiKeyCacheInvalidator), and a trigger on that table NOTIFYs Channel with "<id>:<hex SHA-256>"
// (one key), "<id>:@<owner id>" (one account's keys) or "<id>:*" (every key); PostgreSQL delivers a notification only when, and only if, its
// transaction commits. This holds one connection of its own that LISTENs, so a change reaches
// this node within milliseconds of its commit.
//
// The safety net: every CrossNodeSweepInterval it also reads the rows of the last Lookback and
// applies those it has not applied yet (by id: ids are handed out before commit, so they need not
// commit in order). A lost notification therefore costs at most one interval. A lost connection
// costs more: whatever happened meanwhile is unknown, so the whole cache is emptied, when the
// connection fails and again once it is back. Old rows are deleted now and then.
//
// On BackgroundWorker, one round per sweep interval: connect and LISTEN if not connected, sweep,
// then wait on the connection, applying notifications as they arrive, until the next sweep is due
// (by then the next tick has come, so the next round follows at once). Its clock is the real one,
// whatever the app's: the waits are on the connection, which knows no other.
internal sealed partial class ApiKeyChangeWorker(
    ApiKeyCache cache,
    IConfiguration configuration,
    IOptions<DatabaseOptions> database,
    IOptions<ApiKeyVerificationOptions> verification,
    ILogger<ApiKeyChangeWorker> logger) : BackgroundWorker(TimeProvider.System, logger)
{
    // The trigger's channel: PostgreSQL's migrations InitialPostgres and ApiKeyChangeOwners spell it out;
    // keep them equal.
    public const string Channel = "memsolus_api_key_changes";

    // The listener's name in pg_stat_activity.
    public const string ApplicationName = "Memsolus.Dashboard key change listener";

    // A sweep reads the rows of this past stretch. A row is dated when inserted, so the sweep
    // catches a change whose transaction commits within this of writing it; the notification,
    // any change. Also how long applied ids are remembered (twice this, to be safe).
    internal static readonly TimeSpan Lookback = TimeSpan.FromSeconds(60);

    private const string SweepSql = """SELECT "Id", "SecretHash", "OwnerId" FROM "ApiKeyChanges" WHERE "CreatedAt" > now() - interval '60 seconds'""";

    // Rows outlive every sweep's look-back by far; every node deletes the old ones every few minutes.
    private const string CleanupSql = """DELETE FROM "ApiKeyChanges" WHERE "CreatedAt" < now() - interval '1 hour'""";

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly TimeSpan sweepInterval = verification.Value.CrossNodeSweepInterval;

    // Ids applied, with the Stopwatch timestamp when: only ever touched by the rounds (notifications
    // are raised while a round awaits its connection), so no lock.
    private readonly Dictionary<long, long> applied = [];
    private readonly byte[] hashBuffer = new byte[ApiKeyFormat.HashLength];
    private volatile bool listening;

    // Kept from round to round; null until connected, and again once lost.
    private NpgsqlConnection? connection;
    private TimeSpan retryDelay = FirstRetryDelay;
    private bool recovering;
    private long nextCleanup;

    public static bool IsEnabled(DatabaseOptions database, ApiKeyVerificationOptions verification) =>
        database.Provider == DatabaseProvider.Postgres && verification.CrossNodeInvalidation;

    public override bool Enabled => IsEnabled(database.Value, verification.Value) && cache.Enabled;

    // True while connected and LISTENing.
    public bool IsListening => listening;

    protected override TimeSpan? Interval => sweepInterval;

    protected override async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        var nextSweep = Stopwatch.GetTimestamp() + ToStopwatchTicks(sweepInterval);
        try
        {
            var listener = connection ?? await ListenAsync(stoppingToken);
            await SweepAsync(listener, stoppingToken);
            if (Stopwatch.GetTimestamp() >= nextCleanup)
            {
                await using var cleanup = new NpgsqlCommand(CleanupSql, listener);
                await cleanup.ExecuteNonQueryAsync(stoppingToken);
                nextCleanup = Stopwatch.GetTimestamp() + ToStopwatchTicks(CleanupInterval);
            }

            await HearUntilAsync(listener, nextSweep, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever went wrong, retry: the node must keep hearing of changes. Reset the delay
            // once a connection has listened (ListenAsync sets listening), or back off.
            await CloseAsync();
            retryDelay = listening ? FirstRetryDelay : TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            listening = false;
            recovering = true;
            cache.InvalidateAll();
            LogConnectionLost(Logger, exception.GetType().Name, exception.Message, retryDelay);

            // Then the next round at once, not at the next tick: that may be a minute away.
            await Task.Delay(retryDelay, stoppingToken);
            RunSoon();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The connection outlives rounds: closed once the loop has ended.
        await base.StopAsync(cancellationToken);
        await CloseAsync();
        listening = false;
    }

    // Kept in the field from the start, so that a failure half-way closes it.
    private async Task<NpgsqlConnection> ListenAsync(CancellationToken stoppingToken)
    {
        var listener = connection = new NpgsqlConnection(ListenerConnectionString(configuration.GetConnectionString("DefaultConnection")
            ?? throw new InvalidOperationException("Connection string 'DefaultConnection' not found.")));
        listener.Notification += OnNotification;
        await listener.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        if (recovering)
        {
            // Changes made while this node was not listening are unknown: forget every key.
            cache.InvalidateAll();
            LogReconnected(Logger);
        }

        listening = true;
        nextCleanup = 0;
        return listener;
    }

    // Notifications are applied as they arrive (OnNotification), while the connection is waited on.
    private static async Task HearUntilAsync(NpgsqlConnection connection, long until, CancellationToken stoppingToken)
    {
        while (true)
        {
            // Whole milliseconds, rounded up: to WaitAsync, 0 means "no time-out", not "none left".
            var wait = (int)Math.Ceiling(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), until).TotalMilliseconds);
            if (wait <= 0)
            {
                return;
            }

            await connection.WaitAsync(wait, stoppingToken);
        }
    }

    private async Task CloseAsync()
    {
        if (connection is { } closing)
        {
            connection = null;
            await closing.DisposeAsync();
        }
    }

    // Applies the recent rows not applied yet, then forgets ids older than any sweep can return.
    private async Task SweepAsync(NpgsqlConnection listener, CancellationToken stoppingToken)
    {
        var now = Stopwatch.GetTimestamp();
        await using var sweep = new NpgsqlCommand(SweepSql, listener);
        await using (var reader = await sweep.ExecuteReaderAsync(stoppingToken))
        {
            while (await reader.ReadAsync(stoppingToken))
            {
                var id = reader.GetInt64(0);
                if (!applied.TryAdd(id, now))
                {
                    continue;
                }

                if (!reader.IsDBNull(1) && reader.GetBytes(1, 0, hashBuffer, 0, hashBuffer.Length) == hashBuffer.Length)
                {
                    cache.Invalidate(hashBuffer);
                }
                else if (reader.IsDBNull(1) && !reader.IsDBNull(2) && reader.GetString(2) is { Length: > 0 } owner)
                {
                    cache.InvalidateOwner(owner);
                }
                else
                {
                    cache.InvalidateAll();
                }
            }
        }

        var forgetBefore = now - ToStopwatchTicks(2 * Lookback);
        foreach (var (id, appliedAt) in applied)
        {
            if (appliedAt < forgetBefore)
            {
                applied.Remove(id);
            }
        }
    }

    // "<id>:<64 hex digits>", "<id>:@<owner id>" or "<id>:*". Anything else empties the cache: better
    // too much than too little.
    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var payload = e.Payload.AsSpan();
        var colon = payload.IndexOf(':');
        if (colon < 0 || !long.TryParse(payload[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            cache.InvalidateAll();
            return;
        }

        if (!applied.TryAdd(id, Stopwatch.GetTimestamp()))
        {
            return;
        }

        var change = payload[(colon + 1)..];
        if (change is ['@', _, ..])
        {
            cache.InvalidateOwner(change[1..]);
            return;
        }

        Span<byte> hash = stackalloc byte[ApiKeyFormat.HashLength];
        if (change.Length == 2 * hash.Length && Convert.FromHexString(change, hash, out _, out _) == OperationStatus.Done)
        {
            cache.Invalidate(hash);
        }
        else
        {
            cache.InvalidateAll();
        }
    }

    // A connection of its own, outside the pool (a pooled one is reset, UNLISTEN included, when
    // returned), named so it can be told apart, and quick to give up on a dead server.
    private static string ListenerConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName,
            Timeout = 5,
            CommandTimeout = 5,
        }.ConnectionString;

    private static long ToStopwatchTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not hearing of API key changes made on other nodes ({ExceptionType}: {Reason}); emptied the key cache, reconnecting in {Delay}")]
    private static partial void LogConnectionLost(ILogger logger, string exceptionType, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hearing of API key changes made on other nodes again; emptied the key cache")]
    private static partial void LogReconnected(ILogger logger);
}
