using Microsoft.AspNetCore.Http.Metadata;

namespace Memsolus.Dashboard.Api;

// Lets one endpoint take a larger body than the API's 1 MiB default; ApiMiddleware reads it.
internal sealed record RequestSizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
