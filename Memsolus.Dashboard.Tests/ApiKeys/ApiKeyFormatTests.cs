using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

public sealed partial class ApiKeyFormatTests
{
    // Written out here rather than read from ApiKeyFormat: the digit order is part of the published
    // checksum, so a change to it must break a test.
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    // The design's published pattern, anchored: a generated key is all of it, nothing more.
    [GeneratedRegex("^msk_(live|test)_[0-9A-Za-z]{42}$")]
    private static partial Regex PublishedPattern();

    [Theory]
    [InlineData(ApiKeyEnvironment.Live, "msk_live_")]
    [InlineData(ApiKeyEnvironment.Test, "msk_test_")]
    public void Generated_key_has_the_published_shape_and_its_environment_prefix(ApiKeyEnvironment environment, string prefix)
    {
        var generated = ApiKeyFormat.Generate(environment);

        Assert.Matches(PublishedPattern(), generated.Secret);
        Assert.Equal(51, generated.Secret.Length);
        Assert.StartsWith(prefix, generated.Secret, StringComparison.Ordinal);
        Assert.Equal(environment, generated.Environment);
    }

    [Theory]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void Crc32_gives_the_standard_ieee_check_values(string text, uint expected)
    {
        Assert.Equal(expected, Crc32.Compute(text));
        Assert.Equal(expected, ReferenceCrc32(text));
    }

    [Theory]
    [InlineData(ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Test)]
    public void Checksum_is_the_base62_crc32_of_everything_before_it(ApiKeyEnvironment environment)
    {
        for (var i = 0; i < 200; i++)
        {
            var secret = ApiKeyFormat.Generate(environment).Secret;

            var checksum = secret[^6..];
            Assert.Equal((ulong)ReferenceCrc32(secret[..^6]), DecodeBase62(checksum));
        }
    }

    [Fact]
    public void Checksum_of_a_fixed_key_is_six_base62_digits_most_significant_first()
    {
        const string body = "msk_live_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var crc = ReferenceCrc32(body);
        var digits = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            digits[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }

        var key = body + new string(digits);

        Assert.True(ApiKeyFormat.TryParse(key, out var environment));
        Assert.Equal(ApiKeyEnvironment.Live, environment);
    }

    [Fact]
    public void Ten_thousand_generated_keys_are_distinct_and_use_the_whole_alphabet_evenly()
    {
        const int keys = 10_000;
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<char, int>();
        for (var i = 0; i < keys; i++)
        {
            var secret = ApiKeyFormat.Generate(i % 2 == 0 ? ApiKeyEnvironment.Live : ApiKeyEnvironment.Test).Secret;
            Assert.True(secrets.Add(secret), $"Key {i} repeats an earlier key.");
            foreach (var c in secret.AsSpan(9, 36))
            {
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        Assert.Equal(Base62.Order(), counts.Keys.Order());

        // 360,000 draws over 62 characters: about 5,806 each with a standard deviation of about 76.
        // A band of ±12% is more than 9 standard deviations wide, so a fair generator never leaves
        // it, while a modulo-biased one (byte % 62 makes 8 characters 25% likelier) does.
        var expected = keys * 36 / 62.0;
        Assert.All(counts, pair => Assert.InRange(pair.Value, expected * 0.88, expected * 1.12));
    }

    [Theory]
    [InlineData(ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Test)]
    public void TryParse_accepts_a_generated_key_and_returns_its_environment(ApiKeyEnvironment environment)
    {
        var secret = ApiKeyFormat.Generate(environment).Secret;

        Assert.True(ApiKeyFormat.TryParse(secret, out var parsed));
        Assert.Equal(environment, parsed);
    }

    [Theory]
    [InlineData("msk_prod_")]
    [InlineData("MSK_LIVE_")]
    [InlineData("MSK_TEST_")]
    [InlineData("msk-live_")]
    [InlineData("sk_live_0")]
    [InlineData("xmsk_live")]
    public void TryParse_rejects_an_unknown_prefix_even_with_a_valid_checksum(string prefix)
    {
        var key = Sign(prefix + RandomPart());

        Assert.Equal(51, key.Length);
        Assert.False(ApiKeyFormat.TryParse(key, out _));
    }

    [Fact]
    public void TryParse_rejects_the_right_body_behind_a_shorter_prefix()
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

        Assert.False(ApiKeyFormat.TryParse("sk_live_" + secret[9..], out _));
    }

    [Fact]
    public void TryParse_rejects_the_empty_string()
    {
        Assert.False(ApiKeyFormat.TryParse("", out _));
    }

    [Fact]
    public void TryParse_rejects_a_key_one_character_short_or_long()
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

        Assert.False(ApiKeyFormat.TryParse(secret.AsSpan(..^1), out _));
        Assert.False(ApiKeyFormat.TryParse(secret + "A", out _));
        Assert.False(ApiKeyFormat.TryParse(secret.AsSpan(..^6), out _));
    }

    [Fact]
    public void TryParse_rejects_a_key_pasted_with_surrounding_whitespace()
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Test).Secret;

        Assert.False(ApiKeyFormat.TryParse(secret + "\n", out _));
        Assert.False(ApiKeyFormat.TryParse(" " + secret, out _));
    }

    [Theory]
    [InlineData('-', 9)]
    [InlineData('_', 20)]
    [InlineData('é', 30)]
    [InlineData(' ', 44)]
    [InlineData('+', 12)]
    [InlineData('/', 40)]
    public void TryParse_rejects_a_non_base62_character_in_the_random_part_even_with_a_matching_checksum(char bad, int position)
    {
        var body = "msk_live_" + RandomPart();
        body = string.Concat(body.AsSpan(0, position), bad.ToString(), body.AsSpan(position + 1));

        // Signed with the app's own CRC, so the character itself, not the checksum, is what fails.
        var key = body + ToBase62(Crc32.Compute(body));

        Assert.Equal(51, key.Length);
        Assert.False(ApiKeyFormat.TryParse(key, out _));
    }

    [Theory]
    [InlineData('-')]
    [InlineData('_')]
    [InlineData('é')]
    [InlineData(' ')]
    public void TryParse_rejects_a_non_base62_character_in_the_checksum(char bad)
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

        Assert.False(ApiKeyFormat.TryParse(secret[..^1] + bad, out _));
    }

    [Fact]
    public void TryParse_rejects_any_single_changed_character_in_the_random_part()
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

        // CRC-32 catches every error burst up to 32 bits, and one changed character is at most 8.
        for (var position = 9; position < 45; position++)
        {
            var changed = WithCharacterReplaced(secret, position);
            Assert.False(ApiKeyFormat.TryParse(changed, out _), $"A change at position {position} was not caught.");
        }
    }

    [Fact]
    public void TryParse_rejects_any_single_changed_checksum_character()
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Test).Secret;

        for (var position = 45; position < 51; position++)
        {
            var changed = WithCharacterReplaced(secret, position);
            Assert.False(ApiKeyFormat.TryParse(changed, out _), $"A change at position {position} was not caught.");
        }
    }

    [Fact]
    public void TryParse_rejects_a_live_key_relabelled_as_test()
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

        Assert.False(ApiKeyFormat.TryParse("msk_test_" + secret[9..], out _));
    }

    [Fact]
    public void Hash_is_the_sha256_of_the_utf8_key()
    {
        var generated = ApiKeyFormat.Generate(ApiKeyEnvironment.Live);

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(generated.Secret));

        Assert.Equal(32, generated.Hash.Length);
        Assert.Equal(expected, generated.Hash);
        Assert.Equal(expected, ApiKeyFormat.Hash(generated.Secret));
    }

    [Fact]
    public void Hashing_a_long_paste_does_not_throw()
    {
        var pasted = new string('é', 200) + ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(pasted)), ApiKeyFormat.Hash(pasted));
    }

    [Fact]
    public void Keys_that_differ_in_one_character_have_unrelated_hashes()
    {
        var secret = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

        Assert.NotEqual(ApiKeyFormat.Hash(secret), ApiKeyFormat.Hash(WithCharacterReplaced(secret, 20)));
    }

    [Fact]
    public void Display_form_shows_the_prefix_and_the_first_and_last_four_random_characters_not_the_checksum()
    {
        var key = "msk_live_" + "AbCd" + new string('x', 28) + "wXyZ" + "012345";

        Assert.Equal("msk_live_AbCd…wXyZ", ApiKeyFormat.DisplayKeyOf(key));
    }

    [Theory]
    [InlineData(ApiKeyEnvironment.Live)]
    [InlineData(ApiKeyEnvironment.Test)]
    public void Generated_display_key_is_the_display_form_of_its_secret(ApiKeyEnvironment environment)
    {
        var generated = ApiKeyFormat.Generate(environment);
        var secret = generated.Secret;

        Assert.Equal(ApiKeyFormat.DisplayKeyOf(secret), generated.DisplayKey);
        Assert.Equal(secret[..13] + "…" + secret[41..45], generated.DisplayKey);
        Assert.DoesNotContain(secret[45..], generated.DisplayKey, StringComparison.Ordinal);
    }

    private static string RandomPart() => ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret[9..45];

    // Appends a correct checksum computed here, independently of the app.
    private static string Sign(string body) => body + ToBase62(ReferenceCrc32(body));

    private static string WithCharacterReplaced(string key, int position)
    {
        var replacement = Base62[(Base62.IndexOf(key[position], StringComparison.Ordinal) + 1) % Base62.Length];
        return string.Concat(key.AsSpan(0, position), replacement.ToString(), key.AsSpan(position + 1));
    }

    private static string ToBase62(uint value)
    {
        var digits = new char[6];
        for (var i = 5; i >= 0; i--)
        {
            digits[i] = Base62[(int)(value % 62)];
            value /= 62;
        }

        return new string(digits);
    }

    private static ulong DecodeBase62(string digits)
    {
        ulong value = 0;
        foreach (var c in digits)
        {
            var digit = Base62.IndexOf(c, StringComparison.Ordinal);
            Assert.True(digit >= 0, $"'{c}' is not a base62 digit.");
            value = (value * 62) + (ulong)digit;
        }

        return value;
    }

    // Bit by bit, without a table: slow, short, and written independently of Crc32.
    private static uint ReferenceCrc32(string asciiText)
    {
        var crc = uint.MaxValue;
        foreach (var b in Encoding.ASCII.GetBytes(asciiText))
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }

        return ~crc;
    }
}
