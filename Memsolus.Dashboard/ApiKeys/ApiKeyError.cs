namespace Memsolus.Dashboard.ApiKeys;

internal sealed record ApiKeyError(ApiKeyErrorKind Kind, string Message, string? Field = null);
