using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Ingest.Protocol;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// The PROXY protocol header (HAProxy proxy-protocol.txt, "spec"), both versions, with whatever
/// follows it. Asserts that nothing throws; that only a complete header consumes anything, and
/// exactly its own length; that version 1 never consumes more than its 107-octet line (spec 2.1) and
/// version 2 never more than 16 + its declared length nor our 4 KB cap; that a verdict reached on a
/// prefix of the input stands when the rest arrives (Incomplete is the only answer that may change,
/// which is what lets the transport parse as bytes come in); and that segmentation changes nothing.
/// </summary>
internal static class ProxyTarget
{
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static void Run(byte[] input)
    {
        var whole = Parse(Segments.Whole(input));
        Check(input, whole);
        var cut = Parse(Segments.Cut(input));
        Invariant.That(cut == whole, $"segmented: {cut}, whole: {whole}");

        // The header needs every one of its octets: one fewer is still incomplete.
        if (whole.Status == ProxyParseStatus.Complete)
        {
            var shorter = Parse(new ReadOnlySequence<byte>(input, 0, (int)whole.Consumed - 1));
            Invariant.That(shorter.Status == ProxyParseStatus.Incomplete, $"a header one octet short is {shorter}");
        }

        if (input.Length > 0)
        {
            Prefix(input, whole, input.Length / 2);
            Prefix(input, whole, input[^1] % input.Length);
        }
    }

    private static void Prefix(byte[] input, ProxyResult whole, int length)
    {
        var prefix = Parse(new ReadOnlySequence<byte>(input, 0, length));
        Invariant.That(prefix.Status == ProxyParseStatus.Incomplete || prefix == whole,
            $"the first {length} octets gave {prefix}, all {input.Length} gave {whole}");
    }

    private static ProxyResult Parse(in ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        var status = ProxyHeaderParser.TryParse(ref reader, out var header, out var error);
        return new ProxyResult(status, error, header, reader.Consumed);
    }

    private static void Check(ReadOnlySpan<byte> input, ProxyResult result)
    {
        var (status, error, header, consumed) = result;
        Invariant.That(consumed >= 0 && consumed <= input.Length, "consumed outside the input");
        Invariant.That((status == ProxyParseStatus.Invalid) == (error != ProxyHeaderError.None), "an error without Invalid, or Invalid without an error");
        if (status != ProxyParseStatus.Complete)
        {
            Invariant.That(consumed == 0, $"{status} consumed {consumed} octets");
            if (status == ProxyParseStatus.Incomplete && !input.IsEmpty)
            {
                // Incomplete only while the cap of the format has not been reached.
                Invariant.That(input[0] == (byte)'P' ? input.Length < ProxyHeaderParser.MaxV1Length : input.Length < ProxyHeaderParser.MaxV2Length,
                    $"incomplete after {input.Length} octets");
            }

            return;
        }

        Invariant.That(consumed == header.Length && consumed > 0, "consumed differs from the header's length");
        var line = input[..(int)consumed];
        switch (header.Version)
        {
            case 1:
                Invariant.That(consumed <= ProxyHeaderParser.MaxV1Length, $"version 1 consumed {consumed} octets (spec 2.1: at most 107)");
                Invariant.That(line.StartsWith("PROXY "u8) && line.EndsWith("\r\n"u8) && line[..^2].IndexOfAny((byte)'\r', (byte)'\n') < 0,
                    "version 1 consumed other than one CRLF-terminated PROXY line");
                Invariant.That(header.Command == ProxyCommand.Proxy, "version 1 is always PROXY");
                Invariant.That(header.Family switch
                {
                    ProxyAddressFamily.IPv4 => line.StartsWith("PROXY TCP4 "u8) && header.SourceAddress <= uint.MaxValue && header.DestinationAddress <= uint.MaxValue,
                    ProxyAddressFamily.IPv6 => line.StartsWith("PROXY TCP6 "u8),
                    ProxyAddressFamily.Unspecified => line.StartsWith("PROXY UNKNOWN"u8),
                    _ => false,
                }, $"version 1 family {header.Family} does not match the line");
                break;
            case 2:
                Invariant.That(line.StartsWith(V2Signature) && consumed >= 16, "version 2 without its signature");
                Invariant.That(consumed == 16 + BinaryPrimitives.ReadUInt16BigEndian(line[14..]), "version 2 consumed other than 16 + its declared length (spec 2.2)");
                Invariant.That(consumed <= ProxyHeaderParser.MaxV2Length, $"version 2 consumed {consumed} octets, over the cap");
                Invariant.That(line[12] >> 4 == 2 && (int)header.Command == (line[12] & 0x0F), "version 2 version or command nibble not the one sent");
                break;
            default:
                throw new InvariantViolationException($"version {header.Version}");
        }

        if (header.CarriesAddresses)
        {
            // The transport turns these into endpoints; that must never throw for a parsed header.
            var expected = header.Family == ProxyAddressFamily.IPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            Invariant.That(header.SourceEndPoint().AddressFamily == expected && header.DestinationEndPoint().AddressFamily == expected,
                "the endpoints' family differs from the header's");
        }
    }

    private readonly record struct ProxyResult(ProxyParseStatus Status, ProxyHeaderError Error, ProxyHeader Header, long Consumed);
}
