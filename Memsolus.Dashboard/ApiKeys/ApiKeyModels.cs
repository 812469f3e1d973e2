namespace Memsolus.Dashboard.ApiKeys;

public enum ApiKeyStatus
{
    Active,
    ExpiresSoon,
    Expired,
    Rotated,
    Revoked,
}

public enum RotationGrace
{
    Immediately,
    OneHour,
    OneDay,
    SevenDays,
}

public sealed record CreateApiKeyRequest(
    string? Name,
    ApiKeyEnvironment Environment,
    IReadOnlyCollection<string> Permissions,
    ApiKeyExpiration Expiration,
    DateOnly? ExpiresOn = null);

public sealed record UpdateApiKeyRequest(string? Name, IReadOnlyCollection<string> Permissions);

// What the dashboard shows of a key. Never holds the secret.
public sealed record ApiKeySummary(
    Guid Id,
    string Name,
    string DisplayKey,
    ApiKeyEnvironment Environment,
    IReadOnlyList<string> Permissions,
    DateTimeOffset CreatedAt,
    ApiKeyExpiration Expiration,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    string? RevocationReason,
    bool RevokedByAdmin,
    Guid? RotatedFromId,
    Guid? RotatedToId,
    ApiKeyStatus Status)
{
    public bool IsFullAccess => Permissions.Count == ApiKeys.Permissions.All.Count;

    // Edit and rotate apply to active keys; revoke also to a rotated key still in its grace period.
    public bool CanEdit => Status is ApiKeyStatus.Active or ApiKeyStatus.ExpiresSoon;

    public bool CanRotate => CanEdit;

    public bool CanRevoke => StillWorks;

    // Revoked, expired and rotated-and-past-grace keys sit behind "Show revoked".
    public bool IsHiddenByDefault => !StillWorks;

    // Accepted by the API right now (set from the service's clock when the summary is made).
    public bool StillWorks { get; init; }
}

// The full key, handed back exactly once (after create or rotate) and kept nowhere.
public sealed record CreatedApiKey(ApiKeySummary Key, string Secret)
{
    public override string ToString() => $"CreatedApiKey {{ Key = {Key.DisplayKey} }}";
}

public enum ApiKeyErrorKind
{
    NotFound,
    Invalid,
    LimitReached,
}

public sealed record ApiKeyError(ApiKeyErrorKind Kind, string Message, string? Field = null);

public sealed record ApiKeyResult<T>(T? Value, ApiKeyError? Error)
    where T : class
{
    public bool Succeeded => Error is null;

    public static ApiKeyResult<T> Ok(T value) => new(value, null);

    public static ApiKeyResult<T> Fail(ApiKeyError error) => new(null, error);
}
