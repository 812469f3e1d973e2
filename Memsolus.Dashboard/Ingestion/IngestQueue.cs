using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Ingestion;

// Wakes the ingestion worker when a job is queued on this node. One pending signal is enough: the
// worker drains every queued job each time it wakes.
internal sealed class IngestQueue : WorkerSignal;
