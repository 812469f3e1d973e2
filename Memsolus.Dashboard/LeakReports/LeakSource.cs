namespace Memsolus.Dashboard.LeakReports;

// Who reported a leak, as ApiKey.LeakSource and the key.leaked event record it.
internal static class LeakSource
{
    public const string GitHub = "github";
    public const string Report = "report";
}
