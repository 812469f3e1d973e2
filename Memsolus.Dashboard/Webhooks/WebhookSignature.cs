using System.Security.Cryptography;
using System.Text;

namespace Memsolus.Dashboard.Webhooks;

// The Memsolus-Signature header: t=<unix seconds>,v1=<lower-case hex HMAC-SHA256>. The HMAC key
// is the UTF-8 bytes of the whole secret (whsec_ included); the signed bytes are the UTF-8 text
// "{t}." followed by the exact request body. A receiver recomputes it over the raw body it read,
// compares in constant time, and refuses timestamps too far from its own clock (replays).
// While a rolled-away secret still signs, the header holds one v1 per secret, the current one
// first (t=…,v1=<new>,v1=<old>), and a receiver accepts the request when any of them matches.
internal static class WebhookSignature
{
    public const string HeaderName = "Memsolus-Signature";

    public static string HeaderValue(long timestamp, ReadOnlySpan<byte> body, params IEnumerable<string> secrets)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var header = new StringBuilder($"t={timestamp}");
        foreach (var secret in secrets)
        {
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
            header.Append(",v1=").Append(Convert.ToHexStringLower(mac));
        }

        return header.ToString();
    }
}
