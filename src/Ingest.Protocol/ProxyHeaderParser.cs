using System.Buffers;

namespace Ingest.Protocol;

/// <summary>
/// The PROXY protocol header a load balancer puts in front of a relayed connection (HAProxy's
/// "The PROXY protocol, Versions 1 &amp; 2", proxy-protocol.txt; "spec" below). Both formats are
/// accepted, as the spec recommends for version 2 receivers (spec 2). Synchronous and
/// allocation-free: <see cref="ProxyParseStatus.Incomplete"/> consumes nothing,
/// <see cref="ProxyParseStatus.Complete"/> consumes exactly the header, and bytes that cannot
/// begin a valid header are <see cref="ProxyParseStatus.Invalid"/> as soon as they arrive
/// ("abort the connection as soon as possible", spec 2.1). Nothing beyond the cap of the format
/// is ever examined.
/// </summary>
public static partial class ProxyHeaderParser
{
    /// <summary>The longest version 1 line including its CRLF: the "worst case" UNKNOWN line (spec 2.1).</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// Our cap on a whole version 2 header. The format allows 16 + 65535 octets; what senders
    /// emit is far smaller: the base header with the largest (AF_UNIX) address block is 232
    /// octets, and every registered TLV is small (AUTHORITY is an SNI name of at most 255,
    /// UNIQUE_ID at most 128, SSL a few short strings; spec 2.2.1 to 2.2.7), so HAProxy with every
    /// option, or a cloud load balancer's endpoint TLVs, stays well under 1 KB. 4 KB leaves room
    /// for that and any custom TLVs while keeping what a connection may hold before its first
    /// SMTP byte to one page. A declared length beyond it is refused from the 16-octet fixed
    /// part alone, before any of the rest is read.
    /// </summary>
    public const int MaxV2Length = 4096;

    private const int V2FixedLength = 16;

    // Spec 2.1: "PROXY" and exactly one space.
    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    // Spec 2.2: the 12-octet signature; the 5th octet is NUL, so never a C string.
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ProxyParseStatus TryParse(ref SequenceReader<byte> reader, out ProxyHeader header, out ProxyHeaderError error)
    {
        header = default;
        error = ProxyHeaderError.None;
        if (!reader.TryPeek(out var first))
        {
            return ProxyParseStatus.Incomplete;
        }

        // Spec 2.2 "identifying the protocol version": the two formats differ in their first octet.
        return first switch
        {
            (byte)'P' => TryParseV1(ref reader, out header, out error),
            0x0D => TryParseV2(ref reader, out header, out error),
            _ => Fail(ProxyHeaderError.NotProxyProtocol, out error),
        };
    }

    private static ProxyParseStatus Fail(ProxyHeaderError reason, out ProxyHeaderError error)
    {
        error = reason;
        return ProxyParseStatus.Invalid;
    }

    private enum PrefixMatch : byte
    {
        Mismatch,
        Partial,
        Whole,
    }

    /// <summary>Compares what has arrived so far with a fixed prefix, without advancing.</summary>
    private static PrefixMatch MatchPrefix(in SequenceReader<byte> reader, ReadOnlySpan<byte> prefix)
    {
        Span<byte> head = stackalloc byte[V2FixedLength];
        var available = (int)Math.Min(reader.Remaining, prefix.Length);
        reader.TryCopyTo(head[..available]);
        if (!head[..available].SequenceEqual(prefix[..available]))
        {
            return PrefixMatch.Mismatch;
        }

        return available == prefix.Length ? PrefixMatch.Whole : PrefixMatch.Partial;
    }
}
