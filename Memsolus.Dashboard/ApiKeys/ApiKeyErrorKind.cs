namespace Memsolus.Dashboard.ApiKeys;

internal enum ApiKeyErrorKind
{
    NotFound,
    Invalid,
    LimitReached,

    // The key changed since the caller read it.
    Conflict,
}
