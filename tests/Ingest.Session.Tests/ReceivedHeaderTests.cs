using System.Net;
using System.Text;
using Ingest.Delivery;

namespace Ingest.Session.Tests;

public sealed class ReceivedHeaderTests
{
    private static string Write(IPAddress client, params string[] recipients)
    {
        var envelope = new MessageEnvelope
        {
            MessageId = "0123abcd",
            ReversePath = "s@y.example",
            Recipients = recipients,
            HeloName = "c.example",
            ClientEndPoint = new IPEndPoint(client, 1),
            ReceivedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)),
            Protocol = "ESMTP",
        };
        var buffer = new byte[ReceivedHeader.MaxLength];
        return Encoding.UTF8.GetString(buffer, 0, ReceivedHeader.Write(buffer, "gw.example"u8, envelope));
    }

    [Fact]
    public void Ipv6ClientIsAnIpv6AddressLiteralAndTheDateIsUtc()
    {
        Assert.Equal(
            "Received: from c.example ([IPv6:2001:db8::1])\r\n\tby gw.example (Ingest) with ESMTP id 0123abcd\r\n\tfor <r@x.example>;\r\n\tFri, 02 Jan 2026 01:04:05 +0000\r\n",
            Write(IPAddress.Parse("2001:db8::1"), "r@x.example"));
    }

    [Fact]
    public void MappedIpv4ClientIsWrittenAsIpv4AndSeveralRecipientsAreNotNamed()
    {
        var header = Write(IPAddress.Parse("::ffff:192.0.2.9"), "a@x.example", "b@x.example");
        Assert.StartsWith("Received: from c.example ([192.0.2.9])\r\n", header, StringComparison.Ordinal);
        Assert.DoesNotContain("for <", header, StringComparison.Ordinal);
    }

    [Fact]
    public void LongestPossibleHeaderFitsTheReservedSpace()
    {
        var longest = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 63), 3)) + ".cc";
        var header = Write(IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), longest);
        Assert.True(Encoding.UTF8.GetByteCount(header) < ReceivedHeader.MaxLength);
    }
}
