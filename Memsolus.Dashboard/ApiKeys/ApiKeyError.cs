namespace Memsolus.Dashboard.ApiKeys;

public sealed record ApiKeyError(ApiKeyErrorKind Kind, string Message, string? Field = null);
