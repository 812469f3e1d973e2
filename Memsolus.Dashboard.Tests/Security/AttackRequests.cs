using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.Extensions.Primitives;

namespace Memsolus.Dashboard.Tests.Security;

// What the attack tests send that an HttpClient would not: header values exactly as given (an
// empty value, a value with padding, control characters or line breaks), handed to the test
// server as Kestrel would hand them to the app; and keys changed the way an attacker changes them.
internal static class AttackRequests
{
    public const string Me = "/api/v1/me";

    // GET path with X-Api-Key set to exactly these values (none: no header at all).
    public static async Task<HttpResponseMessage> WithRawKeyHeaderAsync(MemsolusAppFactory app, string path, params string[] values)
    {
        using var client = new HttpClient(app.Server.CreateHandler(context =>
        {
            if (values.Length > 0)
            {
                context.Request.Headers[ApiKeyHeader.Name] = new StringValues(values);
            }
        }))
        { BaseAddress = app.Server.BaseAddress };
        return await client.GetAsync(path);
    }

    // The key with the character at position replaced by another base62 character.
    public static string Flip(string secret, int position) =>
        string.Concat(secret.AsSpan(0, position), secret[position] == 'a' ? "b" : "a", secret.AsSpan(position + 1));

    // A well-formed key (right shape, right checksum) that was never issued.
    public static string NeverIssued(ApiKeyEnvironment environment = ApiKeyEnvironment.Live) =>
        ApiKeyFormat.Generate(environment).Secret;

    // The verifier's query by hash, as EF Core logs it: one per key that reaches the database.
    public static int HashLookups(this MemsolusAppFactory app) =>
        app.Logs.Lines().Count(line => line.Contains("Executed DbCommand", StringComparison.Ordinal)
            && line.Contains("\"SecretHash\" = ", StringComparison.Ordinal));

    // Every log line the app wrote that holds the text.
    public static List<string> LogLinesHolding(this MemsolusAppFactory app, string text) =>
        app.Logs.Lines().Where(line => line.Contains(text, StringComparison.Ordinal)).ToList();
}
