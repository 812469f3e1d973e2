namespace Memsolus.Dashboard.ApiKeys;

public enum ApiKeyEnvironment
{
    Live,
    Test,
}
