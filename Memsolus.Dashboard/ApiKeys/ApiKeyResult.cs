namespace Memsolus.Dashboard.ApiKeys;

internal sealed record ApiKeyResult<T>(T? Value, ApiKeyError? Error)
    where T : class
{
    public bool Succeeded => Error is null;

    public static ApiKeyResult<T> Ok(T value) => new(value, null);

    public static ApiKeyResult<T> Fail(ApiKeyError error) => new(null, error);
}
