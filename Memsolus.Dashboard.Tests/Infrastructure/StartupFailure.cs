namespace Memsolus.Dashboard.Tests.Infrastructure;

// What an app that refuses to start throws. WebApplicationFactory waits for the app's own start on
// a lifetime event it subscribes to once the entry point is running: when the entry point fails and
// disposes its host first, the factory reports an ObjectDisposedException instead of the start's own
// exception (seen once in CI for a bad mail setting). The refusal itself is deterministic, so only on
// that race is a new factory started again.
internal static class StartupFailure
{
    public static async Task<Exception?> OfAsync(Func<MemsolusAppFactory> create)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var app = create();
            var failure = Record.Exception(() => app.Services);
            if (failure is not ObjectDisposedException || attempt == 5)
            {
                return failure;
            }
        }
    }
}
