using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Ingestion;

// The attributes carry the server's bounds into /openapi/v1.json; IngestUrls checks them itself.
internal sealed record IngestUrlRequest([property: Required, StringLength(IngestJob.MaxUrlLength, MinimumLength = 1)] string? Url);
