namespace Memsolus.Dashboard.ApiKeys;

public enum ApiKeyExpiration
{
    Never,
    Days30,
    Days90,
    OneYear,
    Date,
}
