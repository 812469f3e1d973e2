using System.Security.Cryptography;
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

    // False when the key ring that protected it is gone: a roll does not keep such a secret
    // signing, since no delivery could be signed with it.
    public bool CanUnprotect(string protectedSecret)
    {
        try
        {
            protector.Unprotect(protectedSecret);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
