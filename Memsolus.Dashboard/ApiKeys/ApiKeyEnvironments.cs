namespace Memsolus.Dashboard.ApiKeys;

internal static class ApiKeyEnvironments
{
    // The environment as the API, webhooks and file names spell it.
    public static string Name(this ApiKeyEnvironment environment) => environment == ApiKeyEnvironment.Live ? "live" : "test";
}
