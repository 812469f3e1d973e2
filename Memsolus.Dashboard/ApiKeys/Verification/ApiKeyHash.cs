using System.Buffers.Binary;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// A key's SHA-256 as four machine words: a dictionary key that costs no allocation. Equality
// looks at all 32 bytes without an early exit, like CryptographicOperations.FixedTimeEquals.
internal readonly struct ApiKeyHash : IEquatable<ApiKeyHash>
{
    private readonly ulong w0;
    private readonly ulong w1;
    private readonly ulong w2;
    private readonly ulong w3;

    public ApiKeyHash(ReadOnlySpan<byte> sha256)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(sha256.Length, ApiKeyFormat.HashLength, nameof(sha256));
        w0 = BinaryPrimitives.ReadUInt64LittleEndian(sha256);
        w1 = BinaryPrimitives.ReadUInt64LittleEndian(sha256[8..]);
        w2 = BinaryPrimitives.ReadUInt64LittleEndian(sha256[16..]);
        w3 = BinaryPrimitives.ReadUInt64LittleEndian(sha256[24..]);
    }

    public bool Equals(ApiKeyHash other) => ((w0 ^ other.w0) | (w1 ^ other.w1) | (w2 ^ other.w2) | (w3 ^ other.w3)) == 0;

    public override bool Equals(object? obj) => obj is ApiKeyHash other && Equals(other);

    // SHA-256 output is uniform, and no caller can choose it: its first word is a good hash code.
    public override int GetHashCode() => (int)w0 ^ (int)(w0 >> 32);

    public static bool operator ==(ApiKeyHash left, ApiKeyHash right) => left.Equals(right);

    public static bool operator !=(ApiKeyHash left, ApiKeyHash right) => !left.Equals(right);
}
