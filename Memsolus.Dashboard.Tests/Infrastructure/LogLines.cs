using Microsoft.Extensions.Logging.Testing;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The log records a FakeLogCollector holds, one line each: level and category first (so a test can
// ask for "Warning <category>"), then the message, the exception and the scopes. A test that proves
// a secret never reaches a log searches all of that.
internal static class LogLines
{
    public static IReadOnlyList<string> Lines(this FakeLogCollector logs) => logs.GetSnapshot().Select(Line).ToList();

    public static string Line(FakeLogRecord record) =>
        $"{record.Level} {record.Category}: {record.Message} {record.Exception} {string.Join(" ", record.Scopes)}";
}
