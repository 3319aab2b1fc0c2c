using System.Security.Cryptography;
using System.Text;
using Ingest.Authentication.Dkim;

namespace Ingest.Authentication.Tests;

/// <summary>The canonicalizations against RFC 6376 3.4.5's example and the edge cases of 3.4.3-3.4.4.</summary>
public sealed class CanonicalizationTests
{
    private static string Hash(string canonical) => Convert.ToHexString(SHA256.HashData(Encoding.Latin1.GetBytes(canonical)));

    private static string BodyHash(string body, bool relaxed, long? limit = null)
    {
        using var hasher = new BodyHasher(relaxed, HashAlgorithmName.SHA256, limit);
        hasher.Append(Encoding.Latin1.GetBytes(body));
        return Convert.ToHexString(hasher.Finish());
    }

    [Fact]
    public void TheRfcExampleCanonicalizesAsPrinted()
    {
        // RFC 6376 3.4.5.
        Assert.Equal("a:X\r\n", HeaderCanonicalization.Canonicalize("A: X", relaxed: true));
        Assert.Equal("b:Y Z\r\n", HeaderCanonicalization.Canonicalize("B : Y\t\r\n\tZ  ", relaxed: true));
        Assert.Equal("B : Y\t\r\n\tZ  \r\n", HeaderCanonicalization.Canonicalize("B : Y\t\r\n\tZ  ", relaxed: false));
        Assert.Equal(Hash(" C\r\nD E\r\n"), BodyHash(" C \r\nD \t E\r\n\r\n\r\n", relaxed: true));
        Assert.Equal(Hash(" C \r\nD \t E\r\n"), BodyHash(" C \r\nD \t E\r\n\r\n\r\n", relaxed: false));
    }

    [Theory]
    [InlineData("", "\r\n", "")]
    [InlineData("\r\n\r\n", "\r\n", "")]
    [InlineData("abc", "abc\r\n", "abc\r\n")]
    [InlineData("abc \r\n \r\n", "abc \r\n \r\n", "abc\r\n")]
    [InlineData("a\rb\nc\r\n", "a\rb\nc\r\n", "a\rb\nc\r\n")]
    [InlineData("trailing CR\r", "trailing CR\r\r\n", "trailing CR\r\r\n")]
    [InlineData("x\r\n\r\n\r\ny\r\n\r\n", "x\r\n\r\n\r\ny\r\n", "x\r\n\r\n\r\ny\r\n")]
    public void BodiesCanonicalizeAsTheRfcSays(string body, string simple, string relaxed)
    {
        Assert.Equal(Hash(simple), BodyHash(body, relaxed: false));
        Assert.Equal(Hash(relaxed), BodyHash(body, relaxed: true));
    }

    [Fact]
    public void TheLengthLimitCutsTheCanonicalBody()
    {
        Assert.Equal(Hash("Hel"), BodyHash("Hello\r\n", relaxed: false, limit: 3));
        Assert.Equal(Hash(""), BodyHash("Hello\r\n", relaxed: true, limit: 0));
    }
}
