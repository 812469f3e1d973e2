using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Observability;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// The key check's instruments (docs/configuration.md, "Metrics and traces"). Every API request
// records here, so a measurement is one test of Enabled and, when a listener (Prometheus, OTLP) has
// enabled the instrument, a counter add with one tag made in advance: no allocation and no lock.
// Tags are closed sets; never a key, its prefix, its owner or the client's address.
internal sealed class ApiKeyMetrics
{
    public const string ChecksName = "memsolus.api_key.checks";
    public const string CacheLookupsName = "memsolus.api_key.cache.lookups";
    public const string BlocksName = "memsolus.api_key.failed_attempt.blocks";

    private static readonly KeyValuePair<string, object?>[] Outcomes = Enum.GetValues<ApiKeyCheckOutcome>()
        .Select(outcome => new KeyValuePair<string, object?>("outcome", TagValue(outcome)))
        .ToArray();

    private static readonly KeyValuePair<string, object?> Hit = new("result", "hit");
    private static readonly KeyValuePair<string, object?> Miss = new("result", "miss");

    private readonly Counter<long> checks;
    private readonly Counter<long> cacheLookups;
    private readonly Counter<long> blocks;

    public ApiKeyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        checks = meter.CreateCounter<long>(ChecksName, "{request}", "API requests by how their key check ended: ok, or the refusal that answered them.");
        cacheLookups = meter.CreateCounter<long>(CacheLookupsName, "{lookup}", "Well-formed keys looked up in the verification cache, by result (hit, miss).");
        blocks = meter.CreateCounter<long>(BlocksName, "{block}", "Client addresses (IPv6: /64) that reached the failed-attempt limit and were blocked for the rest of the window.");
    }

    // "owner_disabled", "ip_not_allowed": the enum's names in snake case.
    public static string TagValue(ApiKeyCheckOutcome outcome) => outcome switch
    {
        ApiKeyCheckOutcome.OwnerDisabled => "owner_disabled",
        ApiKeyCheckOutcome.IpNotAllowed => "ip_not_allowed",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static ApiKeyCheckOutcome OutcomeOf(ApiKeyFailure failure, ApiKeyRejection rejection) => failure switch
    {
        ApiKeyFailure.None => ApiKeyCheckOutcome.Ok,
        ApiKeyFailure.Missing => ApiKeyCheckOutcome.Missing,
        ApiKeyFailure.Blocked => ApiKeyCheckOutcome.Blocked,
        _ => rejection switch
        {
            ApiKeyRejection.Unknown => ApiKeyCheckOutcome.Unknown,
            ApiKeyRejection.Revoked => ApiKeyCheckOutcome.Revoked,
            ApiKeyRejection.Expired => ApiKeyCheckOutcome.Expired,
            ApiKeyRejection.OwnerDisabled => ApiKeyCheckOutcome.OwnerDisabled,
            _ => ApiKeyCheckOutcome.Malformed,
        },
    };

    public void Check(ApiKeyCheckOutcome outcome)
    {
        if (checks.Enabled)
        {
            checks.Add(1, Outcomes[(int)outcome]);
        }
    }

    public void CacheLookup(bool hit)
    {
        if (cacheLookups.Enabled)
        {
            cacheLookups.Add(1, hit ? Hit : Miss);
        }
    }

    public void Blocked()
    {
        if (blocks.Enabled)
        {
            blocks.Add(1);
        }
    }
}
