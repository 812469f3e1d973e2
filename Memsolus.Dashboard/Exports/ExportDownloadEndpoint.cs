using System.Security.Claims;
using Memsolus.Dashboard.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Memsolus.Dashboard.Exports;

// GET /exports/{id}/download: the Exports page's Download button. The browser holds a sign-in
// cookie, never an API key, so this is the cookie's twin of GET /api/v1/exports/{id}/download:
// the same store lookup (ownership checked there) and the same answers (Serve), ranges included.
// The id alone names the export, in whichever environment it was made; another owner's is not found.
internal static class ExportDownloadEndpoint
{
    public const string Route = "/exports/{id:guid}/download";

    // Relative to the app's base address, as the page's links are.
    public static string PathFor(Guid id) => $"exports/{id}/download";

    public static WebApplication MapExportDownload(this WebApplication app)
    {
        app.MapGet(Route, async (Guid id, HttpContext http, ExportStore store) =>
            {
                var ownerId = http.User.FindFirstValue(ClaimTypes.NameIdentifier)
                    ?? throw new InvalidOperationException("RequireAuthorization lets only signed-in users here.");
                // The file is the owner's data: kept by no cache, nor brought back after sign-out.
                http.Response.Headers.CacheControl = "no-store";
                return Serve(await store.FindDownloadAsync(ownerId, id, http.RequestAborted));
            })
            // Without a sign-in the answer is 401, not the redirect to the sign-in page that pages
            // get (ASP.NET Core treats an endpoint returning typed results as an API): a link with
            // a download attribute would otherwise save the sign-in page as the export's file.
            .RequireAuthorization()
            .ExcludeFromDescription();
        return app;
    }

    // What a download answers, for the API and the dashboard alike. A single range is answered 206
    // with Content-Range, an unsatisfiable one 416, and If-Range compares the ETag or the date,
    // whichever storage keeps the file.
    public static Results<PhysicalFileHttpResult, FileStreamHttpResult, ProblemHttpResult> Serve(ExportDownload download) =>
        download.State switch
        {
            ExportDownloadState.Ready when download.File!.Path is { } path => TypedResults.PhysicalFile(
                path,
                download.ContentType,
                download.Job!.FileName,
                lastModified: download.Job.CompletedAt,
                entityTag: EntityTagHeaderValue.Parse(download.ETag),
                enableRangeProcessing: true),
            // Chunks in the database, read as the response is sent (a range reads only its chunks).
            ExportDownloadState.Ready => TypedResults.Stream(
                download.File!.Stream!,
                download.ContentType,
                download.Job!.FileName,
                lastModified: download.Job.CompletedAt,
                entityTag: EntityTagHeaderValue.Parse(download.ETag),
                enableRangeProcessing: true),
            ExportDownloadState.NotReady => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Export not ready",
                detail: download.Job!.Status == ExportValues.Name(ExportStatus.Failed)
                    ? "The export failed and has no file; start a new export."
                    : $"The export is {download.Job.Status}; download it once its status is succeeded."),
            // 410, not 404: the export is the caller's own and it existed; what is gone is its file.
            ExportDownloadState.Gone => TypedResults.Problem(
                statusCode: StatusCodes.Status410Gone,
                title: "Export expired",
                detail: "The export's file has expired and been deleted; start a new export."),
            _ => ApiResults.NotFound("export"),
        };
}
