using System.Threading.Channels;

namespace Memsolus.Dashboard.Ingestion;

// Wakes the worker when a job is queued on this node. One pending signal is enough: the worker
// drains every queued job each time it wakes.
internal sealed class IngestQueue
{
    private readonly Channel<bool> signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => signal.Writer.TryWrite(true);

    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => signal.Reader.ReadAsync(cancellationToken);
}
