namespace Memsolus.Dashboard.Ingestion;

internal sealed record FetchedPage(Uri Url, string? Title, string Text);
