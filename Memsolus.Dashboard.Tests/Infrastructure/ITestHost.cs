namespace Memsolus.Dashboard.Tests.Infrastructure;

// A type that names a test host configuration, so that xunit, which builds class fixtures from
// their type alone, can build an AppFixture<THost> of that configuration. A suite may name its own
// (the test class itself implements this), or use one of Hosts.
public interface ITestHost
{
    static abstract TestHostOptions Options { get; }
}
