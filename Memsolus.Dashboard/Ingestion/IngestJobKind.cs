namespace Memsolus.Dashboard.Ingestion;

public enum IngestJobKind
{
    Files,
    Url,
}
