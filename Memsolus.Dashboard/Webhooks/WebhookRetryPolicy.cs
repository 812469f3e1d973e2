namespace Memsolus.Dashboard.Webhooks;

// Attempt 1 goes out as soon as the event is published; each failure schedules the next after
// the delay for the attempt that failed; after MaxAttempts failures the delivery has failed.
internal static class WebhookRetryPolicy
{
    public const int MaxAttempts = 5;
    public const int MaxErrorLength = 500;

    public static IReadOnlyList<TimeSpan> Delays { get; } =
    [
        TimeSpan.FromSeconds(10),
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
    ];

    // Null when the attempt was the last one.
    public static TimeSpan? DelayAfter(int failedAttempt) =>
        failedAttempt < MaxAttempts ? Delays[failedAttempt - 1] : null;
}
