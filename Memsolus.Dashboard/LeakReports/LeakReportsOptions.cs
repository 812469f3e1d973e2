using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.LeakReports;

// LeakReports:* — who may report a leaked key, and how much one report may carry (docs/leaks.md).
internal sealed class LeakReportsOptions : IValidatableObject
{
    public const string SectionName = "LeakReports";

    public GitHubLeakOptions GitHub { get; set; } = new();

    // Reports one client address may make through /leaks and /report-leak per ReportWindow. A report
    // acts on a key only if the reporter holds it, so this bounds guessing, not honest reporters.
    [Range(1, 10_000)]
    public int ReportsPerWindow { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReportWindow { get; set; } = TimeSpan.FromMinutes(10);

    // The largest body /leaks/github and /leaks read; GitHub sends small batches.
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    // The most alerts one GitHub request may carry.
    [Range(1, 10_000)]
    public int MaxAlerts { get; set; } = 1000;

    // A second report of a key within this time is audited again but mails the owner no second time
    // (GitHub reports one token once per place it finds it: a burst of forks is one leak).
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RepeatMailWindow { get; set; } = TimeSpan.FromHours(1);

    // The nested GitHub section is checked here: DataAnnotations do not look into it, and a PEM that
    // does not parse should stop start-up, not fail the first alert.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (GitHub.KeysRefreshInterval < TimeSpan.FromSeconds(1) || GitHub.KeysRefreshInterval > TimeSpan.FromDays(1))
        {
            yield return new("LeakReports:GitHub:KeysRefreshInterval must be between 1 second and 1 day.", [nameof(GitHub)]);
        }

        if (GitHub.KeysUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http")))
        {
            yield return new("LeakReports:GitHub:KeysUrl must be an absolute http(s) address.", [nameof(GitHub)]);
        }

        foreach (var (id, pem) in GitHub.PublicKeys)
        {
            if (GitHubKeyRing.TryImport(pem) is not { } key)
            {
                yield return new($"LeakReports:GitHub:PublicKeys:{id} is not a PEM ECDSA P-256 public key.", [nameof(GitHub)]);
            }
            else
            {
                key.Dispose();
            }
        }
    }
}
