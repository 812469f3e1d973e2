using System.Net;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Ingestion;

// The table of IngestEndpoint rows.
internal static class IngestEndpoints
{
    public static IReadOnlyList<IngestEndpoint> All { get; } =
    [
        new("ListIngestJobs", HttpMethod.Get, "/api/v1/ingest/jobs", Permissions.IngestRead, HttpStatusCode.OK),
        new("GetIngestJob", HttpMethod.Get, "/api/v1/ingest/jobs/{id}", Permissions.IngestRead, HttpStatusCode.OK),
        new("IngestFiles", HttpMethod.Post, "/api/v1/ingest/files", Permissions.IngestWrite, HttpStatusCode.Accepted),
        new("IngestUrl", HttpMethod.Post, "/api/v1/ingest/urls", Permissions.IngestWrite, HttpStatusCode.Accepted),
    ];

    public static IngestEndpoint Named(string operationId) => All.Single(e => e.OperationId == operationId);
}
