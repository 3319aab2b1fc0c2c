using System.Buffers;
using System.Net;
using System.Text;

namespace Ingest.Protocol.Tests;

/// <summary>
/// The PROXY protocol header parser (HAProxy proxy-protocol.txt, "spec"), every case over every
/// segmentation of its input, with SMTP bytes after the header that must be left unconsumed.
/// </summary>
public class ProxyHeaderParserTests
{
    private static readonly byte[] Smtp = "EHLO client.example\r\n"u8.ToArray();

    // The worst case of spec 2.1: exactly 107 octets with the CRLF.
    private const string WorstCaseV1 = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n";

    // What HAProxy 2.6.12 sent with "send-proxy-v2 proxy-v2-options crc32c,unique-id,ssl,authority"
    // for a client at 127.0.0.3:35095 reaching 127.0.0.1:60829 (captured off the wire).
    private static readonly byte[] HaproxyCapture = Convert.FromHexString(
        "0D0A0D0A000D0A515549540A2111001E7F0000037F0000018917ED9D03000448BC7D0C0500002000050000000000");

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static ProxyHeader ParsesCompletely(byte[] header)
    {
        byte[] input = [.. header, .. Smtp];
        ProxyHeader? first = null;
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            var status = ProxyHeaderParser.TryParse(ref reader, out var parsed, out var error);
            Assert.True(status == ProxyParseStatus.Complete, $"{name}: {status} {error}");
            Assert.Equal(ProxyHeaderError.None, error);
            Assert.Equal(header.Length, reader.Consumed);
            Assert.Equal(header.Length, parsed.Length);
            Assert.Equal(Smtp, reader.UnreadSequence.ToArray());
            first ??= parsed;
            Assert.Equal(first, parsed);
        }

        return first!.Value;
    }

    private static void IsInvalid(byte[] input, ProxyHeaderError expected)
    {
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            var status = ProxyHeaderParser.TryParse(ref reader, out _, out var error);
            Assert.True(status == ProxyParseStatus.Invalid && error == expected, $"{name}: {status} {error}, expected {expected}");
            Assert.Equal(0, reader.Consumed);
        }
    }

    private static void EveryPrefixIsIncomplete(byte[] header)
    {
        for (var length = 0; length < header.Length; length++)
        {
            foreach (var (name, sequence) in Segmentation.Of(header[..length]))
            {
                var reader = new SequenceReader<byte>(sequence);
                var status = ProxyHeaderParser.TryParse(ref reader, out _, out var error);
                Assert.True(status == ProxyParseStatus.Incomplete, $"prefix {length}, {name}: {status} {error}");
                Assert.Equal(0, reader.Consumed);
            }
        }
    }

    // ---- Version 1 (spec 2.1) ----

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 56324 25\r\n", "192.0.2.1:56324", "198.51.100.2:25")]
    [InlineData("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n", "255.255.255.255:65535", "255.255.255.255:65535")]
    [InlineData("PROXY TCP4 0.0.0.0 10.0.0.1 0 1\r\n", "0.0.0.0:0", "10.0.0.1:1")]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 40000 25\r\n", "[2001:db8::1]:40000", "[2001:db8::2]:25")]
    [InlineData("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535")]
    [InlineData("PROXY TCP6 2001:DB8:0:0:0:0:0:A 1::8 1 2\r\n", "[2001:db8::a]:1", "[1::8]:2")]
    [InlineData("PROXY TCP6 :: ::1 1 2\r\n", "[::]:1", "[::1]:2")]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:: ::2:3:4:5:6:7:8 1 2\r\n", "[1:2:3:4:5:6:7:0]:1", "[0:2:3:4:5:6:7:8]:2")]
    [InlineData("PROXY TCP6 ::ffff:192.0.2.7 64:ff9b::198.51.100.1 1025 587\r\n", "[::ffff:192.0.2.7]:1025", "[64:ff9b::c633:6401]:587")]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:10.0.0.1 ::1 1 2\r\n", "[1:2:3:4:5:6:a00:1]:1", "[::1]:2")]
    public void V1HeaderNamesTheClientOverEverySegmentation(string line, string source, string destination)
    {
        var header = ParsesCompletely(Ascii(line));
        Assert.Equal(1, header.Version);
        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(ProxyTransportProtocol.Stream, header.Protocol);
        Assert.True(header.CarriesAddresses);
        Assert.Equal(IPEndPoint.Parse(source), header.SourceEndPoint());
        Assert.Equal(IPEndPoint.Parse(destination), header.DestinationEndPoint());
        Assert.Equal(line.StartsWith("PROXY TCP4", StringComparison.Ordinal) ? ProxyAddressFamily.IPv4 : ProxyAddressFamily.IPv6, header.Family);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN 192.0.2.1 198.51.100.2 1 2\r\n")]
    [InlineData("PROXY UNKNOWN anything the sender cares to put here\r\n")]
    [InlineData(WorstCaseV1)]
    public void V1UnknownIsAcceptedAndKeepsTheSocketsEndpoints(string line)
    {
        // Spec 2.1: UNKNOWN "SHOULD accept the connection and use the real connection's parameters".
        var header = ParsesCompletely(Ascii(line));
        Assert.Equal(ProxyAddressFamily.Unspecified, header.Family);
        Assert.False(header.CarriesAddresses);
        Assert.Throws<InvalidOperationException>(() => header.SourceEndPoint());
    }

    [Fact]
    public void TheSpecsWorstCaseLineIsExactlyTheLimit() => Assert.Equal(ProxyHeaderParser.MaxV1Length, WorstCaseV1.Length);

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 56324 25\r\n")]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 40000 25\r\n")]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData(WorstCaseV1)]
    public void EveryPrefixOfAV1HeaderIsIncomplete(string line) => EveryPrefixIsIncomplete(Ascii(line));

    [Theory]
    // Line ends (spec 2.1: "must not tolerate a single CR or LF").
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1 2\n", ProxyHeaderError.BadLineEnding)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1 2\rEHLO", ProxyHeaderError.BadLineEnding)]
    [InlineData("PROXY UNKNOWN\n\r\n", ProxyHeaderError.BadLineEnding)]
    [InlineData("PROXY \r\r\n", ProxyHeaderError.BadLineEnding)]
    // Numbers: no leading zeros, in range.
    [InlineData("PROXY TCP4 192.0.2.01 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 025 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1 65536\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1 100000\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 +1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 -1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 256.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1.5 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192..2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 3232235521 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    // Fields: exactly one space between exactly four of them.
    [InlineData("PROXY TCP4 192.0.2.1  198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1 2 \r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1 2 3\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1\t198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY  TCP4 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 192.0.2.1 198.51.100.2 1 2\0\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY \r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4\r\n", ProxyHeaderError.MalformedLine)]
    // Protocol names, and the family dictating the address format.
    [InlineData("PROXY TCP5 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY tcp4 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY UDP4 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY UNKNOWNX\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP4 2001:db8::1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.MalformedLine)]
    // IPv6: one "::" at most, 128 bits exactly, 1-4 digits a group.
    [InlineData("PROXY TCP6 1::2::3 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:8:: ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 12345::1 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 :1 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 1: ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 ::: ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 g::1 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 [::1] ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:1.2.3.4 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 ::1.2.3 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    [InlineData("PROXY TCP6 1.2.3.4::1 ::1 1 2\r\n", ProxyHeaderError.MalformedLine)]
    // Not the protocol at all.
    [InlineData("EHLO client.example\r\n", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("proxy TCP4 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("PROXYTCP4 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("PROXZ TCP4\r\n", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("GET / HTTP/1.1\r\n", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("\r\n\r\n\r\n", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("\0", ProxyHeaderError.NotProxyProtocol)]
    [InlineData(" PROXY TCP4 192.0.2.1 198.51.100.2 1 2\r\n", ProxyHeaderError.NotProxyProtocol)]
    public void InvalidV1HeaderIsRefusedOverEverySegmentation(string input, ProxyHeaderError expected) => IsInvalid(Ascii(input), expected);

    [Fact]
    public void V1LineWithoutCrLfInTheFirst107OctetsIsTooLong()
    {
        // 107 octets, no CR or LF at all.
        IsInvalid(Ascii("PROXY UNKNOWN " + new string('a', 93)), ProxyHeaderError.LineTooLong);
        // The CR is the 107th octet, so its LF would be the 108th.
        IsInvalid(Ascii("PROXY UNKNOWN " + new string('a', 92) + "\r\n"), ProxyHeaderError.LineTooLong);
        // 106 octets and no line end yet: still within the limit.
        EveryPrefixIsIncomplete(Ascii("PROXY UNKNOWN " + new string('a', 92) + "\r"));
    }

    // ---- Version 2 (spec 2.2) ----

    [Fact]
    public void V2Tcp4HeaderNamesTheClient()
    {
        var header = ParsesCompletely(ProxyV2.Tcp("192.0.2.1:56324", "198.51.100.2:25"));
        Assert.Equal(2, header.Version);
        Assert.Equal(ProxyCommand.Proxy, header.Command);
        Assert.Equal(ProxyAddressFamily.IPv4, header.Family);
        Assert.Equal(28, header.Length);
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:56324"), header.SourceEndPoint());
        Assert.Equal(IPEndPoint.Parse("198.51.100.2:25"), header.DestinationEndPoint());
        Assert.False(header.ChecksumVerified);
    }

    [Fact]
    public void V2Tcp6HeaderNamesTheClient()
    {
        var header = ParsesCompletely(ProxyV2.Tcp("[2001:db8::1]:65535", "[::ffff:198.51.100.2]:587"));
        Assert.Equal(ProxyAddressFamily.IPv6, header.Family);
        Assert.Equal(52, header.Length);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::1]:65535"), header.SourceEndPoint());
        Assert.Equal(IPEndPoint.Parse("[::ffff:198.51.100.2]:587"), header.DestinationEndPoint());
    }

    [Fact]
    public void HeaderCapturedFromHaproxyParsesWithItsChecksum()
    {
        var header = ParsesCompletely(HaproxyCapture);
        Assert.Equal(IPEndPoint.Parse("127.0.0.3:35095"), header.SourceEndPoint());
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:60829"), header.DestinationEndPoint());
        Assert.True(header.ChecksumVerified);
        Assert.False(header.ClientUsedTls);
    }

    [Fact]
    public void LocalCommandSkipsWhateverTheLengthCoversAndKeepsTheSocketsEndpoints()
    {
        // Spec 2.2: "must not assume zero is presented for LOCAL connections"; the family is ignored.
        byte[][] locals =
        [
            ProxyV2.Header(ProxyV2.Local, 0x00),
            ProxyV2.Header(ProxyV2.Local, 0x11, ProxyV2.Addresses(IPEndPoint.Parse("192.0.2.1:1"), IPEndPoint.Parse("192.0.2.2:2"))),
            ProxyV2.Header(ProxyV2.Local, 0xFF, new byte[300]),
        ];
        foreach (var local in locals)
        {
            var header = ParsesCompletely(local);
            Assert.Equal(ProxyCommand.Local, header.Command);
            Assert.False(header.CarriesAddresses);
        }
    }

    [Theory]
    [InlineData(0x00, 0, ProxyAddressFamily.Unspecified, ProxyTransportProtocol.Unspecified)]
    [InlineData(0x00, 7, ProxyAddressFamily.Unspecified, ProxyTransportProtocol.Unspecified)]
    [InlineData(0x10, 12, ProxyAddressFamily.IPv4, ProxyTransportProtocol.Unspecified)]
    [InlineData(0x01, 3, ProxyAddressFamily.Unspecified, ProxyTransportProtocol.Stream)]
    [InlineData(0x12, 12, ProxyAddressFamily.IPv4, ProxyTransportProtocol.Datagram)]
    [InlineData(0x22, 36, ProxyAddressFamily.IPv6, ProxyTransportProtocol.Datagram)]
    [InlineData(0x31, 216, ProxyAddressFamily.Unix, ProxyTransportProtocol.Stream)]
    [InlineData(0x32, 216, ProxyAddressFamily.Unix, ProxyTransportProtocol.Datagram)]
    public void FamiliesWithoutTcpAddressesAreAcceptedAndFallBackToTheSocketsEndpoints(byte familyProtocol, int bodyLength, ProxyAddressFamily family, ProxyTransportProtocol protocol)
    {
        // Spec 2.2: a receiver not implementing a valid combination "automatically falls back to the UNSPEC mode".
        var header = ParsesCompletely(ProxyV2.Header(ProxyV2.Proxy, familyProtocol, new byte[bodyLength]));
        Assert.Equal(family, header.Family);
        Assert.Equal(protocol, header.Protocol);
        Assert.False(header.CarriesAddresses);
    }

    [Fact]
    public void TlvsAreWalkedAndTheOnesWeKnowAreRead()
    {
        byte[] ssl = [0x01, 0, 0, 0, 0, .. ProxyV2.Tlv(0x21, "TLSv1.3"u8.ToArray()), .. ProxyV2.Tlv(0x23, "TLS_AES_128_GCM_SHA256"u8.ToArray()), .. ProxyV2.Tlv(0x22, [])];
        var bytes = ProxyV2.WithChecksum(ProxyV2.Tcp(
            "192.0.2.1:1",
            "192.0.2.2:25",
            ProxyV2.Tlv(0x04, []),
            ProxyV2.Tlv(0x01, "smtp"u8.ToArray()),
            ProxyV2.Tlv(0x02, "mx.example.com"u8.ToArray()),
            ProxyV2.Tlv(0x05, new byte[128]),
            ProxyV2.Tlv(0x20, ssl),
            ProxyV2.Tlv(0x30, "blue"u8.ToArray()),
            ProxyV2.Tlv(0xE0, new byte[40]),
            ProxyV2.Tlv(0xFF, [1, 2, 3])));
        var header = ParsesCompletely(bytes);
        Assert.True(header.ClientUsedTls);
        Assert.True(header.ChecksumVerified);
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:1"), header.SourceEndPoint());
    }

    [Fact]
    public void ChecksumAnywhereAmongTheTlvsIsVerified()
    {
        // The CRC TLV first, then another: the checksum covers the TLVs after it too.
        var header = ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:25", ProxyV2.Tlv(0x03, new byte[4]), ProxyV2.Tlv(0x04, [9, 9, 9]));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(31), ProxyV2.Crc32c(header));
        Assert.True(ParsesCompletely(header).ChecksumVerified);
    }

    [Fact]
    public void HeaderOfExactlyTheCapIsAccepted()
    {
        var addresses = 12;
        var noop = ProxyV2.Tlv(0x04, new byte[ProxyHeaderParser.MaxV2Length - 16 - addresses - 3]);
        var bytes = ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:25", noop);
        Assert.Equal(ProxyHeaderParser.MaxV2Length, bytes.Length);
        Assert.Equal(ProxyHeaderParser.MaxV2Length, ParsesCompletely(bytes).Length);
    }

    public static TheoryData<string> ValidV2Names => [.. ValidV2.Keys];

    private static readonly Dictionary<string, byte[]> ValidV2 = new()
    {
        ["tcp4"] = ProxyV2.Tcp("192.0.2.1:56324", "198.51.100.2:25"),
        ["tcp6 with TLVs and checksum"] = ProxyV2.WithChecksum(ProxyV2.Tcp("[2001:db8::1]:1", "[2001:db8::2]:25", ProxyV2.Tlv(0x05, [1, 2, 3]), ProxyV2.Tlv(0x20, [1, 0, 0, 0, 0]))),
        ["local"] = ProxyV2.Header(ProxyV2.Local, 0x00),
        ["unix"] = ProxyV2.Header(ProxyV2.Proxy, 0x31, new byte[216]),
        ["haproxy capture"] = HaproxyCapture,
    };

    [Theory]
    [MemberData(nameof(ValidV2Names))]
    public void EveryPrefixOfAV2HeaderIsIncomplete(string name) => EveryPrefixIsIncomplete(ValidV2[name]);

    public static TheoryData<string> InvalidV2Names => [.. InvalidV2.Keys];

    private static readonly Dictionary<string, (byte[] Input, ProxyHeaderError Error)> InvalidV2 = new()
    {
        ["version 1 nibble"] = (ProxyV2.Header(0x11, 0x11, new byte[12]), ProxyHeaderError.UnsupportedVersion),
        ["version 0 nibble"] = (ProxyV2.Header(0x01, 0x11, new byte[12]), ProxyHeaderError.UnsupportedVersion),
        ["version 3 nibble"] = (ProxyV2.Header(0x31, 0x11, new byte[12]), ProxyHeaderError.UnsupportedVersion),
        ["command 2"] = (ProxyV2.Header(0x22, 0x11, new byte[12]), ProxyHeaderError.UnknownCommand),
        ["command 15"] = (ProxyV2.Header(0x2F, 0x11, new byte[12]), ProxyHeaderError.UnknownCommand),
        ["family 4"] = (ProxyV2.Header(ProxyV2.Proxy, 0x41, new byte[12]), ProxyHeaderError.UnknownAddressFamily),
        ["family 15"] = (ProxyV2.Header(ProxyV2.Proxy, 0xF1, new byte[12]), ProxyHeaderError.UnknownAddressFamily),
        ["protocol 3"] = (ProxyV2.Header(ProxyV2.Proxy, 0x13, new byte[12]), ProxyHeaderError.UnknownAddressFamily),
        ["tcp4 addresses short by one"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[11]), ProxyHeaderError.AddressesTruncated),
        ["tcp6 addresses short by one"] = (ProxyV2.Header(ProxyV2.Proxy, 0x21, new byte[35]), ProxyHeaderError.AddressesTruncated),
        ["unix addresses short by one"] = (ProxyV2.Header(ProxyV2.Proxy, 0x31, new byte[215]), ProxyHeaderError.AddressesTruncated),
        ["tcp4 with no addresses"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11), ProxyHeaderError.AddressesTruncated),
        ["one stray octet after the addresses"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[13]), ProxyHeaderError.MalformedTlv),
        ["two stray octets after the addresses"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[14]), ProxyHeaderError.MalformedTlv),
        ["TLV longer than the header"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[12], [0xE0, 0x00, 0x0A, 1, 2, 3, 4, 5]), ProxyHeaderError.MalformedTlv),
        ["TLV length 65535"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[12], [0x04, 0xFF, 0xFF]), ProxyHeaderError.MalformedTlv),
        ["checksum of 3 octets"] = (ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2", ProxyV2.Tlv(0x03, [0, 0, 0])), ProxyHeaderError.MalformedTlv),
        ["checksum of 5 octets"] = (ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2", ProxyV2.Tlv(0x03, [0, 0, 0, 0, 0])), ProxyHeaderError.MalformedTlv),
        ["two checksums"] = (ProxyV2.WithChecksum(ProxyV2.WithChecksum(ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2"))), ProxyHeaderError.MalformedTlv),
        ["wrong checksum"] = (ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2", ProxyV2.Tlv(0x03, [0xDE, 0xAD, 0xBE, 0xEF])), ProxyHeaderError.ChecksumMismatch),
        ["checksum of another header"] = (ChecksumOfAnotherHeader(), ProxyHeaderError.ChecksumMismatch),
        ["unique id of 129 octets"] = (ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2", ProxyV2.Tlv(0x05, new byte[129])), ProxyHeaderError.MalformedTlv),
        ["SSL TLV without verify"] = (ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2", ProxyV2.Tlv(0x20, [1, 0, 0, 0])), ProxyHeaderError.MalformedTlv),
        ["SSL sub-TLV overruns"] = (ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2", ProxyV2.Tlv(0x20, [1, 0, 0, 0, 0, 0x21, 0, 9, 1])), ProxyHeaderError.MalformedTlv),
        ["SSL sub-TLV header cut"] = (ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2", ProxyV2.Tlv(0x20, [1, 0, 0, 0, 0, 0x21, 0])), ProxyHeaderError.MalformedTlv),
        ["length one over the cap"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[ProxyHeaderParser.MaxV2Length - 16 + 1]), ProxyHeaderError.TooLarge),
        ["length 65535"] = (ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[65535]), ProxyHeaderError.TooLarge),
        ["LOCAL over the cap"] = (ProxyV2.Header(ProxyV2.Local, 0x00, new byte[8000]), ProxyHeaderError.TooLarge),
        ["signature with one octet wrong"] = ([.. ProxyV2.Signature[..6], 0x0B, .. ProxyV2.Signature[7..], 0x21, 0x11, 0, 12, .. new byte[12]], ProxyHeaderError.NotProxyProtocol),
        ["TLS client hello"] = ([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03], ProxyHeaderError.NotProxyProtocol),
    };

    private static byte[] ChecksumOfAnotherHeader()
    {
        var honest = ProxyV2.WithChecksum(ProxyV2.Tcp("192.0.2.1:1", "192.0.2.2:2"));
        honest[16] = 10;  // the source address changed in transit
        return honest;
    }

    [Theory]
    [MemberData(nameof(InvalidV2Names))]
    public void InvalidV2HeaderIsRefusedOverEverySegmentation(string name) => IsInvalid(InvalidV2[name].Input, InvalidV2[name].Error);

    // ---- Early refusal: nothing more is waited for once the bytes cannot become a header ----

    [Theory]
    [InlineData("45", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("50524F585A", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("50524F585954", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("0D0A0D0A000D0B", ProxyHeaderError.NotProxyProtocol)]
    [InlineData("0D0A", ProxyHeaderError.None)]
    [InlineData("0D0A0D0A000D0A515549540A11", ProxyHeaderError.UnsupportedVersion)]
    [InlineData("0D0A0D0A000D0A515549540A23", ProxyHeaderError.UnknownCommand)]
    [InlineData("0D0A0D0A000D0A515549540A2111", ProxyHeaderError.None)]
    [InlineData("0D0A0D0A000D0A515549540A21110FF1", ProxyHeaderError.TooLarge)]
    [InlineData("0D0A0D0A000D0A515549540A2111FFFF", ProxyHeaderError.TooLarge)]
    public void RefusalComesAsSoonAsTheDecidingOctetArrives(string hex, ProxyHeaderError expected)
    {
        var input = Convert.FromHexString(hex);
        if (expected == ProxyHeaderError.None)
        {
            EveryPrefixIsIncomplete([.. input, 0x00]);
        }
        else
        {
            IsInvalid(input, expected);
        }
    }

    // ---- Hostile input ----

    [Fact]
    public void MegabyteWithoutCrLfIsRefusedAtTheV1Limit()
    {
        byte[] input = [.. "PROXY TCP4 "u8, .. Enumerable.Repeat((byte)'1', 1024 * 1024)];
        var random = new Random(107);
        ReadOnlySequence<byte>[] cuts = [Segmentation.Build(input), Segmentation.Random(input, random, 7), Segmentation.Random(input, random, 65536)];
        foreach (var sequence in cuts)
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.TryParse(ref reader, out _, out var error));
            Assert.Equal(ProxyHeaderError.LineTooLong, error);
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Fact]
    public void MegabyteOfNulsIsNotTheProtocol()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(new byte[1024 * 1024]));
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.TryParse(ref reader, out _, out var error));
        Assert.Equal(ProxyHeaderError.NotProxyProtocol, error);
    }

    [Fact]
    public void ChecksummedHeaderWithAnyOctetChangedIsNeverAcceptedAsChecksummed()
    {
        var original = ValidV2["tcp6 with TLVs and checksum"];
        for (var position = 0; position < original.Length; position++)
        {
            foreach (var mask in new byte[] { 0x01, 0x80, 0xFF, 0x5A })
            {
                var mutated = (byte[])original.Clone();
                mutated[position] ^= mask;
                var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>([.. mutated, .. Smtp]));
                var status = ProxyHeaderParser.TryParse(ref reader, out var header, out _);
                // A change can still yield a valid header (the command turned to LOCAL, the CRC
                // TLV's type changed, a shorter length), but never the same one vouched for by the checksum.
                Assert.False(
                    status == ProxyParseStatus.Complete && header.ChecksumVerified && header.Length == original.Length,
                    $"octet {position} ^ {mask:X2} was accepted with a matching checksum");
            }
        }
    }

    [Fact]
    public void RandomAndMutatedInputNeverThrowsAndConsumesOnlyAWholeHeader()
    {
        var random = new Random(20260501);
        byte[][] seeds = [.. ValidV2.Values, Ascii("PROXY TCP6 2001:db8::1 2001:db8::2 40000 25\r\n"), Ascii(WorstCaseV1)];
        for (var round = 0; round < 20_000; round++)
        {
            byte[] input;
            if (round % 2 == 0)
            {
                // A valid header with a few octets replaced or cut short, and random bytes after it.
                input = [.. seeds[random.Next(seeds.Length)], .. RandomBytes(random, random.Next(0, 8))];
                for (var changes = random.Next(1, 4); changes > 0; changes--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }

                input = input[..random.Next(input.Length + 1)];
            }
            else
            {
                byte[] prefix = random.Next(3) switch { 0 => ProxyV2.Signature, 1 => "PROXY "u8.ToArray(), _ => [] };
                input = [.. prefix, .. RandomBytes(random, random.Next(0, 300))];
            }

            var reader = new SequenceReader<byte>(Segmentation.Random(input, random, 1 + random.Next(16)));
            var status = ProxyHeaderParser.TryParse(ref reader, out var header, out var error);
            if (status == ProxyParseStatus.Complete)
            {
                Assert.Equal(header.Length, reader.Consumed);
                Assert.InRange(header.Length, 15, ProxyHeaderParser.MaxV2Length);
                Assert.Equal(ProxyHeaderError.None, error);
            }
            else
            {
                Assert.Equal(0, reader.Consumed);
                Assert.Equal(status == ProxyParseStatus.Invalid, error != ProxyHeaderError.None);
            }
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    // ---- STYLE rule 1 ----

    [Fact]
    public void ParserDoesNotAllocate()
    {
        ReadOnlySequence<byte>[] inputs =
        [
            new(Ascii("PROXY TCP4 192.0.2.1 198.51.100.2 56324 25\r\nEHLO")),
            new(Ascii("PROXY TCP6 2001:db8::1 ::ffff:192.0.2.1 40000 25\r\n")),
            new(Ascii(WorstCaseV1)),
            new(Ascii("PROXY TCP4 192.0.2.01 198.51.100.2 1 2\r\n")),
            new(ValidV2["tcp6 with TLVs and checksum"]),
            new(HaproxyCapture),
            new(ProxyV2.Header(ProxyV2.Proxy, 0x11, new byte[11])),
            Segmentation.Build(HaproxyCapture.AsMemory(0, 20), HaproxyCapture.AsMemory(20)),
            Segmentation.Build(HaproxyCapture.AsMemory(0, 20)),
        ];

        var checksum = ParseAll(inputs, 100);
        var before = GC.GetAllocatedBytesForCurrentThread();
        checksum += ParseAll(inputs, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    private static long ParseAll(ReadOnlySequence<byte>[] inputs, int rounds)
    {
        long checksum = 0;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var input in inputs)
            {
                var reader = new SequenceReader<byte>(input);
                checksum += (int)ProxyHeaderParser.TryParse(ref reader, out var header, out var error) + (int)error + header.Length + header.SourcePort;
            }
        }

        return checksum;
    }
}
