namespace Memsolus.Dashboard.LeakReports;

// Where a leak was found, as a reporter gives it: an absolute http(s) address, stored in its
// escaped ASCII form (so nothing a read, a mail or PostgreSQL cannot take is kept), at most
// ApiKeyRules.MaxLeakUrlLength characters.
internal static class LeakUrls
{
    public const string Invalid = "Give the address where the key was found as an http:// or https:// URL, or leave it empty.";

    // Null when absent or blank; false when given but not an address we keep.
    public static bool TryClean(string? text, out string? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim();
        if (text.Length > ApiKeys.ApiKeyRules.MaxLeakUrlLength
            || text.Any(c => char.IsControl(c) || char.IsSurrogate(c))
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }

        var clean = uri.AbsoluteUri;
        if (clean.Length > ApiKeys.ApiKeyRules.MaxLeakUrlLength)
        {
            return false;
        }

        url = clean;
        return true;
    }
}
