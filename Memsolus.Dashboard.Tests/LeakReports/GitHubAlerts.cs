using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.LeakReports;

namespace Memsolus.Dashboard.Tests.LeakReports;

// GitHub's side of the secret-scanning partner program, played by the test: a P-256 key pair made
// here (its public half goes into the app's configuration as PEM), alert bodies as GitHub sends
// them, and their signatures over the raw bytes (base64 DER).
internal sealed class GitHubAlerts : IDisposable
{
    public const string TokenType = "memsolus_api_key";

    private readonly ECDsa signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public GitHubAlerts(string keyIdentifier)
    {
        KeyIdentifier = keyIdentifier;
    }

    public string KeyIdentifier { get; }

    public string PublicKeyPem => signer.ExportSubjectPublicKeyInfoPem();

    // LeakReports:GitHub:PublicKeys:<id> = the PEM.
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        [$"LeakReports:GitHub:PublicKeys:{KeyIdentifier}"] = PublicKeyPem,
    };

    public static byte[] Body(params (string Token, string? Url)[] alerts) =>
        JsonSerializer.SerializeToUtf8Bytes(alerts.Select(a => new Dictionary<string, string?>
        {
            ["token"] = a.Token,
            ["type"] = TokenType,
            ["url"] = a.Url,
            ["source"] = "content",
        }));

    public string Sign(byte[] body) =>
        Convert.ToBase64String(signer.SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body) =>
        PostAsync(client, body, Sign(body), KeyIdentifier);

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body, string? signature, string? keyIdentifier)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, LeakReportsApi.GitHubPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(LeakReportsApi.SignatureHeader, signature);
        }

        if (keyIdentifier is not null)
        {
            request.Headers.TryAddWithoutValidation(LeakReportsApi.KeyIdentifierHeader, keyIdentifier);
        }

        return await client.SendAsync(request);
    }

    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public void Dispose() => signer.Dispose();
}
