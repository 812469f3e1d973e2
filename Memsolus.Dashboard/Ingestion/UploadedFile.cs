namespace Memsolus.Dashboard.Ingestion;

internal sealed record UploadedFile(string Name, byte[]? Content);
