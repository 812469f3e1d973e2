using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.LeakReports;

// The two ways a leaked key reaches us outside the dashboard (docs/leaks.md). Neither is under
// /api/v1: GitHub's servers and people who found a key hold no key of their own to call with, and
// neither sends a cookie or an antiforgery token. GitHub proves itself by its signature; a person
// by holding the key, and is rate-limited per address.
internal static class LeakReportsApi
{
    public const string GitHubPath = "/leaks/github";
    public const string ReportPath = "/leaks";
    public const string SignatureHeader = "GITHUB-PUBLIC-KEY-SIGNATURE";
    public const string KeyIdentifierHeader = "GITHUB-PUBLIC-KEY-IDENTIFIER";

    // The one answer a person gets, whether the key was ours or not, active or not.
    public const string Received = "Thank you. If this is a Memsolus API key, its owner has been told and it has been acted on as they chose.";

    public static IEndpointRouteBuilder MapLeakReports(this IEndpointRouteBuilder app)
    {
        app.MapPost(GitHubPath, GitHubAlertsAsync).DisableAntiforgery();
        app.MapPost(ReportPath, ReportAsync).DisableAntiforgery();
        return app;
    }

    // GitHub's secret-scanning partner alert: a JSON array of {token, type, url, source}, signed
    // with ECDSA P-256 / SHA-256 over the raw body. The answer is GitHub's feedback array.
    private static async Task<IResult> GitHubAlertsAsync(HttpContext http, GitHubKeyRing keys, LeakResponder responder, IOptions<LeakReportsOptions> options)
    {
        var body = await ReadBodyAsync(http, options.Value.MaxBodyBytes);
        if (body is null)
        {
            return TooLarge(options.Value.MaxBodyBytes);
        }

        if (http.Request.Headers[SignatureHeader] is not [{ Length: > 0 } signature]
            || http.Request.Headers[KeyIdentifierHeader] is not [{ Length: > 0 } identifier])
        {
            return Unsigned($"Sign the body and send {SignatureHeader} and {KeyIdentifierHeader}.");
        }

        if (await keys.FindAsync(identifier, http.RequestAborted) is not { } key || !Verifies(key, body, signature))
        {
            return Unsigned("The signature does not match the body with a GitHub key we know.");
        }

        List<(string Token, string? Type, string? Url, string? Source)> alerts;
        try
        {
            alerts = ParseAlerts(body, options.Value.MaxAlerts);
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: e.Message.StartsWith("Alert", StringComparison.Ordinal) ? e.Message : "The body is not a JSON array of alerts.");
        }

        var outcomes = new Dictionary<string, LeakOutcome>(StringComparer.Ordinal);
        var feedback = new List<(string Hash, string? Type, bool Found)>(alerts.Count);
        foreach (var (token, type, url, source) in alerts)
        {
            if (!outcomes.TryGetValue(token, out var outcome))
            {
                // A URL GitHub sent that we would not keep is dropped, never a reason to refuse the alert.
                var place = LeakUrls.TryClean(url, out var clean) ? clean : null;
                var where = Printable(source) is { Length: > 0 } named ? $"GitHub ({named})" : "GitHub";
                outcome = outcomes[token] = await responder.ActAsync(token, LeakSource.GitHub, place, where, http.RequestAborted);
            }

            feedback.Add((Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))), Printable(type), outcome.Found));
        }

        return TypedResults.Text(FeedbackJson(feedback), "application/json; charset=utf-8");
    }

    // A person reporting a key they found: {key, url?}. The answer is the same whatever the key is.
    private static async Task<IResult> ReportAsync(HttpContext http, LeakReportLimiter limiter, LeakResponder responder, IOptions<LeakReportsOptions> options)
    {
        if (!limiter.TryAcquire(http.Connection.RemoteIpAddress, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: "Too many reports from this address. Try again later.");
        }

        var body = await ReadBodyAsync(http, options.Value.MaxBodyBytes);
        if (body is null)
        {
            return TooLarge(options.Value.MaxBodyBytes);
        }

        string? key;
        string? url;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid("key", LeakReportForm.KeyRequired);
            }

            key = OptionalString(json.RootElement, "key");
            url = OptionalString(json.RootElement, "url");
        }
        catch (JsonException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: "Send a JSON object: {\"key\": \"msk_…\", \"url\": \"https://…\"}.");
        }

        if (LeakReportForm.ValidateKey(key) is { } keyError)
        {
            return Invalid("key", keyError);
        }

        if (!LeakUrls.TryClean(url, out var cleanUrl))
        {
            return Invalid("url", LeakUrls.Invalid);
        }

        await responder.ActAsync(key!.Trim(), LeakSource.Report, cleanUrl, where: null, http.RequestAborted);
        return TypedResults.Json(new { received = true, message = Received }, statusCode: StatusCodes.Status202Accepted);
    }

    // Null when the body is larger than the limit.
    private static async Task<byte[]?> ReadBodyAsync(HttpContext http, int maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static bool Verifies(ECDsa key, byte[] body, string signature)
    {
        var der = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, der, out var length))
        {
            return false;
        }

        try
        {
            return key.VerifyData(body, der.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static List<(string Token, string? Type, string? Url, string? Source)> ParseAlerts(byte[] body, int maxAlerts)
    {
        using var json = JsonDocument.Parse(body);
        if (json.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("Alerts must be a JSON array.");
        }

        if (json.RootElement.GetArrayLength() > maxAlerts)
        {
            throw new JsonException($"Alerts: at most {maxAlerts} per request.");
        }

        var alerts = new List<(string, string?, string?, string?)>();
        foreach (var alert in json.RootElement.EnumerateArray())
        {
            if (alert.ValueKind != JsonValueKind.Object || OptionalString(alert, "token") is not { Length: > 0 } token)
            {
                throw new JsonException("Alerts must each be an object with a token.");
            }

            alerts.Add((token, OptionalString(alert, "type"), OptionalString(alert, "url"), OptionalString(alert, "source")));
        }

        return alerts;
    }

    // A string property, null when absent or null; anything else is a bad request.
    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new JsonException($"Alert field {name} must be a string.");
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but no string we could keep.
            throw new JsonException($"Alert field {name} is not valid text.");
        }
    }

    private static string FeedbackJson(List<(string Hash, string? Type, bool Found)> feedback)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (hash, type, found) in feedback)
            {
                writer.WriteStartObject();
                writer.WriteString("token_hash", hash);
                writer.WriteString("token_type", type);
                writer.WriteString("label", found ? "true_positive" : "false_positive");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // GitHub's names ("commit", "memsolus_api_key") are short printable ASCII; anything else in them
    // is dropped rather than stored in the audit log or echoed back.
    private static string? Printable(string? text) =>
        text is null ? null : new string(text.Where(c => c is >= ' ' and <= '~').Take(64).ToArray()).Trim();

    private static ProblemHttpResult Unsigned(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: $"Request bodies may be at most {maxBytes} bytes.");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
