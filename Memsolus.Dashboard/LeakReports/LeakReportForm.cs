using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.LeakReports;

// What /report-leak and POST /leaks accept from a person: a whole key, and where it was found.
// A malformed key may be told so (that reveals nothing about any account); a well-formed one never
// learns more than LeakReportsApi.Received.
internal sealed class LeakReportForm
{
    public const string KeyRequired = "Paste the whole key you found (it starts with msk_live_ or msk_test_).";
    public const string KeyMalformed = "That is not a Memsolus API key: a key is msk_live_ or msk_test_ followed by 42 letters and digits. Check that you copied all of it.";

    public string? Key { get; set; }

    public string? Url { get; set; }

    public static string? ValidateKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return KeyRequired;
        }

        var trimmed = key.AsSpan().Trim();
        return ApiKeyFormat.TryParse(trimmed, out _) ? null : KeyMalformed;
    }
}
