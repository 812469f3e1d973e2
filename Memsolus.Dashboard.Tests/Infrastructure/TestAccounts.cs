namespace Memsolus.Dashboard.Tests.Infrastructure;

internal static class TestAccounts
{
    public const string Password = "Correct-Horse-Battery-42";

    public static string NewEmail(string prefix = "owner") => $"{prefix}-{Guid.NewGuid():N}@example.com";
}
