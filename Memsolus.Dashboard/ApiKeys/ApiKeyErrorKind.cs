namespace Memsolus.Dashboard.ApiKeys;

public enum ApiKeyErrorKind
{
    NotFound,
    Invalid,
    LimitReached,
}
