using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Exports;

// Wakes the export worker when an export is queued, so it starts at once rather than at the next
// tick. Signals while the worker is busy fold into one: it runs every queued job each time it wakes.
internal sealed class ExportQueue : WorkerSignal;
