namespace Memsolus.Dashboard.Ingestion;

internal enum IngestJobKind
{
    Files,
    Url,
}
