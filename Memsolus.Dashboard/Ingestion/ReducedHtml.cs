namespace Memsolus.Dashboard.Ingestion;

internal sealed record ReducedHtml(string? Title, string Text);
