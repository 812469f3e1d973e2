using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Memsolus.Dashboard.Account;

// The tokens in mailed links travel Base64Url-encoded. A link edited by hand (or by an attacker)
// must end on the page's "invalid link" answer, never on a 500 from a decoding exception.
internal static class LinkCode
{
    public static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
