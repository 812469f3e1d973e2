using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Observability;

// The observable gauges that say how much work waits (exports, imports, webhook deliveries, mail):
// one count over an indexed status column, run only when a metrics reader collects. A database
// that cannot answer leaves the gauge without a value for that collection rather than failing it.
internal static partial class QueueDepth
{
    public static IEnumerable<Measurement<long>> Count(
        IDbContextFactory<ApplicationDbContext> contextFactory, ILogger logger, string instrument, Func<ApplicationDbContext, int> count)
    {
        try
        {
            using var db = contextFactory.CreateDbContext();
            return [new Measurement<long>(count(db))];
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, instrument);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {Instrument} for a metrics collection")]
    private static partial void LogFailed(ILogger logger, Exception exception, string instrument);
}
