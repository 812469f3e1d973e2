using System.Security.Cryptography;
using System.Text;

namespace Memsolus.Dashboard.ApiKeys;

// msk_live_ / msk_test_ + 36 random base62 characters + a 6-character base62 CRC32 of everything
// before it (GitHub's token design): a typo or a truncated paste is caught without a database
// lookup, and secret scanners can match \bmsk_(live|test)_[0-9A-Za-z]{42}\b.
internal static class ApiKeyFormat
{
    public const string LivePrefix = "msk_live_";
    public const string TestPrefix = "msk_test_";
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    public const int PrefixLength = 9;
    public const int RandomLength = 36;
    public const int ChecksumLength = 6;
    public const int Length = PrefixLength + RandomLength + ChecksumLength;

    public static string PrefixOf(ApiKeyEnvironment environment) =>
        environment == ApiKeyEnvironment.Live ? LivePrefix : TestPrefix;

    public static GeneratedApiKey Generate(ApiKeyEnvironment environment)
    {
        Span<char> key = stackalloc char[Length];
        PrefixOf(environment).CopyTo(key);
        RandomNumberGenerator.GetItems(Alphabet, key.Slice(PrefixLength, RandomLength));
        WriteChecksum(key[..(PrefixLength + RandomLength)], key[(PrefixLength + RandomLength)..]);
        var secret = new string(key);
        return new GeneratedApiKey(secret, Hash(secret), DisplayKeyOf(secret), environment);
    }

    // Shape and checksum only: no allocation, no database. A key that fails here is never looked up.
    public static bool TryParse(ReadOnlySpan<char> key, out ApiKeyEnvironment environment)
    {
        environment = default;
        if (key.Length != Length)
        {
            return false;
        }

        if (key.StartsWith(LivePrefix, StringComparison.Ordinal))
        {
            environment = ApiKeyEnvironment.Live;
        }
        else if (key.StartsWith(TestPrefix, StringComparison.Ordinal))
        {
            environment = ApiKeyEnvironment.Test;
        }
        else
        {
            return false;
        }

        var body = key[PrefixLength..];
        foreach (var c in body)
        {
            if (!IsBase62(c))
            {
                return false;
            }
        }

        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(key[..(PrefixLength + RandomLength)], expected);
        return expected.SequenceEqual(key[(PrefixLength + RandomLength)..]);
    }

    public const int HashLength = 32;

    public static byte[] Hash(string key)
    {
        // Keys are 51 ASCII characters; anything longer (a stray paste) takes the slow path.
        if (key.Length > Length)
        {
            return SHA256.HashData(Encoding.UTF8.GetBytes(key));
        }

        var hash = new byte[HashLength];
        Hash(key, hash);
        return hash;
    }

    // The SHA-256 of a key of at most Length characters, written into destination without allocating.
    public static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, Length);
        Span<byte> utf8 = stackalloc byte[Length * 3];
        var written = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..written], destination);
    }

    // msk_live_AbCd…wXyZ: the first and last four random characters, enough to recognise a key
    // and far too little to guess it (28 of its 36 random characters are never shown).
    public static string DisplayKeyOf(string key) =>
        string.Concat(key.AsSpan(0, PrefixLength + 4), "…", key.AsSpan(PrefixLength + RandomLength - 4, 4));

    private static bool IsBase62(char c) => c is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z';

    private static void WriteChecksum(ReadOnlySpan<char> text, Span<char> destination)
    {
        var value = Crc32.Compute(text);
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }
}
