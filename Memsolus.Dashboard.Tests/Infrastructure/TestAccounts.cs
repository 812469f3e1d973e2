namespace Memsolus.Dashboard.Tests.Infrastructure;

internal static class TestAccounts
{
    public const string Password = "Correct-Horse-Battery-42";

    // The administrator a host with TestAdmin.Configured creates at start-up.
    public const string AdminEmail = "root@memsolus.test";

    public static string NewEmail(string prefix = "owner") => $"{prefix}-{Guid.NewGuid():N}@example.com";
}
