using System.Collections.Concurrent;
using System.Diagnostics;
using Memsolus.Dashboard.Observability;

namespace Memsolus.Dashboard.Tests.Observability;

// The app's activities (Telemetry.ActivitySource) that stopped while this listener was on. The
// source is static, so hosts of other suites running at the same time land here too: a test picks
// its own by a tag naming its job.
internal sealed class RecordedActivities : IDisposable
{
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener;

    public RecordedActivities()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.ActivitySourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public List<Activity> Named(string name, string tag, object value) =>
        stopped.Where(a => a.OperationName == name && Equals(a.GetTagItem(tag), value)).ToList();

    public void Dispose() => listener.Dispose();
}
