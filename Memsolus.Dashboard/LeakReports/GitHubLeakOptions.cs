using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.LeakReports;

// LeakReports:GitHub:* — the keys GitHub's secret-scanning partner alerts are signed with.
internal sealed class GitHubLeakOptions
{
    // Key identifier → PEM public key (ECDSA P-256), as GitHub lists them.
    public Dictionary<string, string> PublicKeys { get; set; } = [];

    // GitHub's list of its current keys ({"public_keys":[{"key_identifier","key","is_current"}]}),
    // e.g. https://api.github.com/meta/public_keys/secret_scanning. Unset: configured keys only.
    public Uri? KeysUrl { get; set; }

    // An alert signed with a key we do not know fetches the list again, at most this often.
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan KeysRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
