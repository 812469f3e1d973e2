namespace Memsolus.Dashboard.Mail;

// When a mail that could not be sent is tried again: 10 s after the first failure, then twice as
// long after each further one, never more than an hour apart (Email:MaxAttempts says when to stop).
internal static class MailRetryPolicy
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    public static TimeSpan DelayAfter(int failedAttempt)
    {
        // 2^10 × 10 s is past the cap already; the bound keeps the multiplication finite.
        var doublings = Math.Clamp(failedAttempt - 1, 0, 10);
        var delay = FirstDelay * (1 << doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
