using System.Threading.Channels;

namespace Memsolus.Dashboard.Exports;

// Wakes the worker when an export is queued, so it starts at once rather than at the next tick.
// Signals while the worker is busy fold into one: it runs every queued job each time it wakes.
internal sealed class ExportQueue
{
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Signal() => wake.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken cancellationToken) => await wake.Reader.ReadAsync(cancellationToken);
}
