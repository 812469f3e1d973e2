using System.Threading.Channels;

namespace Memsolus.Dashboard.Hosting;

// Wakes a BackgroundWorker for a round before its next tick: feature code calls Signal() when it
// has made work (ExportStore, when it queues an export). It holds at most one wake-up, so any
// number of signals before the worker's next round make one round; a round does all the work
// there is. A feature derives its own (ExportQueue), so that its store and its worker share one.
internal class WorkerSignal
{
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Signal() => wake.Writer.TryWrite(true);

    // For the worker: takes the pending wake-up, or waits for one.
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => wake.Reader.ReadAsync(cancellationToken);
}
