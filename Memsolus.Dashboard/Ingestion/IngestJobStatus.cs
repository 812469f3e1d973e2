namespace Memsolus.Dashboard.Ingestion;

// Queued → Running → one of Succeeded (every record imported), Partial (some imported, some
// failed), Failed (nothing imported, or the job stopped early: an internal error or a restart;
// what it had imported by then stays).
internal enum IngestJobStatus
{
    Queued,
    Running,
    Succeeded,
    Partial,
    Failed,
}
