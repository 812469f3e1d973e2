namespace Memsolus.Dashboard.Api;

// An error one endpoint answers beyond those ApiResponseDocs derives for every operation (409 for a
// conflict, 410 for a file that is gone), or what a shared status also means there (429 for too many
// exports): the OpenAPI document declares it with this description.
internal sealed record ProblemResponse(int StatusCode, string Description);
