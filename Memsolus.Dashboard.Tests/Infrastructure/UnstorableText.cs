namespace Memsolus.Dashboard.Tests.Infrastructure;

// Text no provider can keep as written, around some ordinary words: a NUL (PostgreSQL refuses it),
// unpaired surrogates (not encodable as UTF-8) and control characters. Use it through
// [MemberData(..., DisableDiscoveryEnumeration = true)]: xunit serialises [InlineData] for test
// discovery as UTF-8, which turns a lone surrogate into U+FFFD, a character that is fine to store.
public static class UnstorableText
{
    private static readonly string[] Unstorable = ["\0", "\uD800", "\uDC00", "\u001B", "\u0007"];

    public static TheoryData<string> Around(string before, string after) =>
        new(Unstorable.Select(c => before + c + after));
}
