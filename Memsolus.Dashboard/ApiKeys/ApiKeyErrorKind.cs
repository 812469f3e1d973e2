namespace Memsolus.Dashboard.ApiKeys;

internal enum ApiKeyErrorKind
{
    NotFound,
    Invalid,
    LimitReached,
}
