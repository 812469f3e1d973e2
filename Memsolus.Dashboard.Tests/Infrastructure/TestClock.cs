using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The one moment every fake clock in the tests starts at. Mid-morning rather than midnight, so
// "valid through a chosen day" is told apart from "now"; a test that needs another moment moves
// its clock from here.
internal static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    // Nothing moves it but the test: periodic timers in the app fire only when the test advances it.
    public static FakeTimeProvider New() => new(Start);
}
