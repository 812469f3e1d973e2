namespace Memsolus.Dashboard.Ingestion;

// Why an upload is refused before any job is made; TooLarge is the API's 413, the rest its 400.
internal sealed record UploadRefusal(bool TooLarge, string Message);
