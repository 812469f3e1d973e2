namespace Memsolus.Dashboard.Ingestion;

internal sealed record FetchResult(FetchedPage? Page, string? Error)
{
    public static FetchResult Failed(string error) => new(null, error);
}
