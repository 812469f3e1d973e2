using Microsoft.AspNetCore.Http.HttpResults;

namespace Memsolus.Dashboard.Api;

internal static class ApiResults
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} with that id.");
}
