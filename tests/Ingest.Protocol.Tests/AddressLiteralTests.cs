using System.Text;

namespace Ingest.Protocol.Tests;

/// <summary>RFC 5321 4.1.3 address literals, checked directly and as an EHLO argument.</summary>
public class AddressLiteralTests
{
    [Theory]
    [InlineData("[192.0.2.1]")]
    [InlineData("[0.0.0.0]")]
    [InlineData("[255.255.255.255]")]
    [InlineData("[001.002.003.004]")]
    // IPv6-full: 8 groups of 1 to 4 hex digits.
    [InlineData("[IPv6:2001:db8:0:0:0:0:0:1]")]
    [InlineData("[IPv6:2001:DB8:aBcD:ffff:0000:1:22:333]")]
    [InlineData("[ipv6:2001:db8::1]")]
    // IPv6-comp: "::" plus at most 6 groups, at either end or in the middle.
    [InlineData("[IPv6:::]")]
    [InlineData("[IPv6:::1]")]
    [InlineData("[IPv6:1::]")]
    [InlineData("[IPv6:2001:db8::]")]
    [InlineData("[IPv6:1:2:3::4:5:6]")]
    [InlineData("[IPv6:1:2:3:4:5::6]")]
    [InlineData("[IPv6:::1:2:3:4:5:6]")]
    // IPv6v4-full: 6 groups and an IPv4 address; IPv6v4-comp: "::" plus at most 4 groups.
    [InlineData("[IPv6:1:2:3:4:5:6:192.0.2.1]")]
    [InlineData("[IPv6:::ffff:192.0.2.1]")]
    [InlineData("[IPv6:::192.0.2.1]")]
    [InlineData("[IPv6:1:2:3:4::192.0.2.1]")]
    [InlineData("[IPv6:1::2:3:4:192.0.2.1]")]
    public void ValidAddressLiteralsAreAccepted(string literal)
    {
        Assert.True(DomainSyntax.IsValidAddressLiteral(Encoding.ASCII.GetBytes(literal)));
        Assert.Equal(Rejection.None, Parsed.Line("EHLO " + literal).Rejection);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[192.0.2]")]
    [InlineData("[192.0.2.1.5]")]
    [InlineData("[192.0.2.256]")]
    [InlineData("[256.0.2.1]")]
    [InlineData("[1234.0.2.1]")]
    [InlineData("[192.0..1]")]
    [InlineData("[192.0.2.1.]")]
    [InlineData("[.192.0.2.1]")]
    [InlineData("[192.0.2.-1]")]
    [InlineData("[ 192.0.2.1]")]
    [InlineData("[192.0.2.1")]
    [InlineData("[IPv6:]")]
    [InlineData("[IPv6:1:2:3:4:5]")]
    [InlineData("[IPv6:1:2:3:4:5:6:7]")]
    [InlineData("[IPv6:1:2:3:4:5:6:7:8:9]")]
    [InlineData("[IPv6:1::2::3]")]
    [InlineData("[IPv6:::1::]")]
    [InlineData("[IPv6::::]")]
    [InlineData("[IPv6::1:2:3:4:5:6:7]")]
    [InlineData("[IPv6:1:2:3:4:5:6:7:]")]
    [InlineData("[IPv6:1:2:3:4:5:6:7::]")]
    [InlineData("[IPv6:::1:2:3:4:5:6:7]")]
    [InlineData("[IPv6:12345::1]")]
    [InlineData("[IPv6:g::1]")]
    [InlineData("[IPv6:1:2:3:4:5:192.0.2.1]")]
    [InlineData("[IPv6:1:2:3:4:5:6:7:192.0.2.1]")]
    [InlineData("[IPv6:1:2:3:4:5::192.0.2.1]")]
    [InlineData("[IPv6:::192.0.2.256]")]
    [InlineData("[IPv6:::192.0.2.1:1]")]
    [InlineData("[IPv6:::ab.0.2.1]")]
    [InlineData("[IPv6:192.0.2.1]")]
    [InlineData("[IPv4:192.0.2.1]")]
    [InlineData("[x-tag:anything]")]
    public void InvalidAddressLiteralsAreRefused(string literal)
    {
        Assert.False(DomainSyntax.IsValidAddressLiteral(Encoding.ASCII.GetBytes(literal)));
        Assert.Equal(Rejection.InvalidDomain, Parsed.Line("EHLO " + literal).Rejection);
    }
}
