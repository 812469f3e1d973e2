using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Memsolus.Dashboard.ApiKeys.Verification;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// What an API client sees of a response: its status, its media type and its JSON. A wrong status
// fails with the body in the message, so a 500 or an unexpected problem explains itself.
internal static class ApiAssert
{
    public const string ProblemJson = "application/problem+json";

    public static async Task<JsonElement> StatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            Assert.Fail($"Expected {(int)expected} {expected} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, " +
                $"got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }

        var isJson = response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true;
        return isJson && body.Length > 0 ? JsonDocument.Parse(body).RootElement.Clone() : default;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var json = await StatusAsync(response, expected);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return json;
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await StatusAsync(response, expected);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static async Task<JsonElement> UnauthorizedAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(["ApiKey header=\"X-Api-Key\""], response.Headers.GetValues("WWW-Authenticate"));
        Assert.Equal(ApiKeyHeader.WwwAuthenticate, response.Headers.WwwAuthenticate.ToString());
        return problem;
    }

    public static async Task<JsonElement> ForbiddenAsync(HttpResponseMessage response, string requiredPermission)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains(requiredPermission, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(requiredPermission, problem.GetProperty("requiredPermission").GetString());
        return problem;
    }

    // A 400 problem whose "errors" object names the field, each with at least one message.
    public static async Task<JsonElement> InvalidFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No errors object in {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"No errors.{field} in {problem}");
        Assert.Contains(messages.EnumerateArray(), m => !string.IsNullOrWhiteSpace(m.GetString()));
        return problem;
    }

    // The problem body without its per-request trace id: what stays the same between two answers.
    public static string WithoutTraceId(JsonElement problem)
    {
        var node = JsonNode.Parse(problem.GetRawText())!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }
}
