namespace Memsolus.Dashboard.Usage;

// What became of a request: success, the refusals an owner acts on (401, 403, 429) one by
// one, any other client error, or a server error.
internal static class UsageOutcomes
{
    public const int MaxLength = 8;

    public const string Success = "2xx";
    public const string Unauthorized = "401";
    public const string Forbidden = "403";
    public const string TooManyRequests = "429";
    public const string OtherClientError = "4xx";
    public const string ServerError = "5xx";

    public static IReadOnlyList<string> All { get; } =
        [Success, Unauthorized, Forbidden, TooManyRequests, OtherClientError, ServerError];

    // The API answers no redirects, so anything below 400 is a success.
    public static string Of(int status) => status switch
    {
        < 400 => Success,
        401 => Unauthorized,
        403 => Forbidden,
        429 => TooManyRequests,
        < 500 => OtherClientError,
        _ => ServerError,
    };
}
