using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.LeakReports;

// The public keys GitHub signs secret-scanning alerts with: those configured
// (LeakReports:GitHub:PublicKeys) and, when LeakReports:GitHub:KeysUrl is set, those GitHub lists
// there, fetched on the first alert and again when an alert names a key we do not know, at most
// once per KeysRefreshInterval, so a flood of made-up identifiers costs GitHub one request a minute.
// A fetch that fails is logged and the alert is refused (401): GitHub retries.
internal sealed partial class GitHubKeyRing(
    IOptions<LeakReportsOptions> options,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    ILogger<GitHubKeyRing> logger) : IDisposable
{
    public const string HttpClientName = "LeakReports.GitHubKeys";

    private readonly Lazy<Dictionary<string, ECDsa>> configured = new(() => options.Value.GitHub.PublicKeys
        .ToDictionary(k => k.Key, k => TryImport(k.Value) ?? throw new InvalidOperationException($"LeakReports:GitHub:PublicKeys:{k.Key} is not a PEM ECDSA P-256 public key."), StringComparer.Ordinal));

    private readonly SemaphoreSlim fetching = new(1, 1);
    private ConcurrentDictionary<string, ECDsa> fetched = new(StringComparer.Ordinal);
    private DateTimeOffset? lastFetch;

    public async Task<ECDsa?> FindAsync(string identifier, CancellationToken cancellationToken)
    {
        if (configured.Value.TryGetValue(identifier, out var key) || fetched.TryGetValue(identifier, out key))
        {
            return key;
        }

        if (options.Value.GitHub.KeysUrl is not { } url)
        {
            return null;
        }

        await fetching.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched while this one waited.
            if (fetched.TryGetValue(identifier, out key))
            {
                return key;
            }

            var now = clock.GetUtcNow();
            if (lastFetch is { } last && now - last < options.Value.GitHub.KeysRefreshInterval)
            {
                return null;
            }

            lastFetch = now;
            // The old keys are left to the collector, not disposed: a request may be verifying with
            // one of them right now.
            if (await FetchAsync(url, cancellationToken) is { } keys)
            {
                fetched = keys;
            }

            return fetched.TryGetValue(identifier, out key) ? key : null;
        }
        finally
        {
            fetching.Release();
        }
    }

    public static ECDsa? TryImport(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize == 256)
            {
                return key;
            }
        }
        catch (ArgumentException)
        {
        }
        catch (CryptographicException)
        {
        }

        key.Dispose();
        return null;
    }

    private async Task<ConcurrentDictionary<string, ECDsa>?> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogFetchFailed(logger, url, $"HTTP {(int)response.StatusCode}", null);
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            var keys = new ConcurrentDictionary<string, ECDsa>(StringComparer.Ordinal);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("public_keys", out var list)
                && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in list.EnumerateArray())
                {
                    if (entry.ValueKind == JsonValueKind.Object
                        && entry.TryGetProperty("key_identifier", out var id) && id.ValueKind == JsonValueKind.String
                        && entry.TryGetProperty("key", out var pem) && pem.ValueKind == JsonValueKind.String
                        && TryImport(pem.GetString()!) is { } key)
                    {
                        keys[id.GetString()!] = key;
                    }
                }
            }

            LogFetched(logger, keys.Count, url);
            return keys;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, url, e.GetType().Name, e);
            return null;
        }
    }

    public void Dispose()
    {
        fetching.Dispose();
        if (configured.IsValueCreated)
        {
            foreach (var key in configured.Value.Values)
            {
                key.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fetched {Count} GitHub secret-scanning public keys from {Url}")]
    private static partial void LogFetched(ILogger logger, int count, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch GitHub's secret-scanning public keys from {Url}: {Reason}")]
    private static partial void LogFetchFailed(ILogger logger, Uri url, string reason, Exception? exception);
}
