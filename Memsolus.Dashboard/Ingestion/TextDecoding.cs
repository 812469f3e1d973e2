using System.Text;

namespace Memsolus.Dashboard.Ingestion;

internal static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Uploaded files must be text: UTF-8 (a UTF-16 byte order mark is honoured), and no NUL,
    // which only binary files hold.
    public static bool TryDecodeText(byte[] bytes, out string text)
    {
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes), StrictUtf8, detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }

        return !text.Contains('\0');
    }

    // Fetched pages are decoded as their server declares, invalid bytes replaced: the web is untidy.
    public static string DecodeLenient(byte[] bytes, string? charset)
    {
        var encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim().Trim('"', '\''));
            }
            catch (ArgumentException)
            {
                // An unknown charset: UTF-8 is the likeliest truth.
            }
        }

        using var reader = new StreamReader(new MemoryStream(bytes), encoding, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
