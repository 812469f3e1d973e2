using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The host configurations several folders' suites share, for AppFixture<THost>; a configuration
// only one suite uses is named by that suite.
public static class Hosts
{
    // The default app on a fresh copy of the migrated PostgreSQL template: the PostgreSQL twin of
    // a suite that takes MemsolusAppFactory itself.
    public sealed class Postgres : ITestHost
    {
        public static TestHostOptions Options { get; } = new() { Provider = DatabaseProvider.Postgres };
    }

    // The app on a FakeTimeProvider that only the test moves (TestClock.Start).
    public sealed class FakeClock : ITestHost
    {
        public static TestHostOptions Options { get; } = new() { FakeClock = true };
    }

    public sealed class PostgresFakeClock : ITestHost
    {
        public static TestHostOptions Options { get; } = FakeClock.Options.OnPostgres();
    }
}
