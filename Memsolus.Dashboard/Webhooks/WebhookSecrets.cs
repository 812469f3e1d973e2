using System.Security.Cryptography;
using System.Text;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.DataProtection;

namespace Memsolus.Dashboard.Webhooks;

// The whsec_… signing secrets: made once at creation, shown to the caller once, and kept only in
// Data Protection's encrypted form, which the dispatcher decrypts to sign a delivery.
internal sealed class WebhookSecrets(IDataProtectionProvider dataProtection)
{
    public const string Prefix = "whsec_";
    public const int RandomLength = 40;

    // A purpose string of its own, so no other feature's protector can read these.
    public const string Purpose = "Memsolus.Webhooks.Secret";

    private readonly IDataProtector protector = dataProtection.CreateProtector(Purpose);

    public static string Generate()
    {
        // 40 base62 characters: about 238 bits from the system's CSPRNG.
        Span<char> random = stackalloc char[RandomLength];
        RandomNumberGenerator.GetItems(ApiKeyFormat.Alphabet, random);
        return string.Concat(Prefix, random);
    }

    public string Protect(string secret) => protector.Protect(secret);

    // Throws CryptographicException when the key ring that protected it is gone.
    public string Unprotect(string protectedSecret) => protector.Unprotect(protectedSecret);
}

// The Memsolus-Signature header: t=<unix seconds>,v1=<lower-case hex HMAC-SHA256>. The HMAC key
// is the UTF-8 bytes of the whole secret (whsec_ included); the signed bytes are the UTF-8 text
// "{t}." followed by the exact request body. A receiver recomputes it over the raw body it read,
// compares in constant time, and refuses timestamps too far from its own clock (replays).
internal static class WebhookSignature
{
    public const string HeaderName = "Memsolus-Signature";

    public static string HeaderValue(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
