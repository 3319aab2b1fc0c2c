using System.Buffers;

namespace Ingest.Protocol;

/// <summary>Version 1: one line of US-ASCII text (spec 2.1).</summary>
public static partial class ProxyHeaderParser
{
    private static ProxyParseStatus TryParseV1(ref SequenceReader<byte> reader, out ProxyHeader header, out ProxyHeaderError error)
    {
        header = default;
        error = ProxyHeaderError.None;
        switch (MatchPrefix(reader, V1Prefix))
        {
            case PrefixMatch.Mismatch:
                return Fail(ProxyHeaderError.NotProxyProtocol, out error);
            case PrefixMatch.Partial:
                return ProxyParseStatus.Incomplete;
        }

        // Spec 2.1: "If the CRLF sequence is not found in the first 107 characters, the receiver
        // should declare the line invalid." Slicing first means a sender that never sends CRLF
        // cannot make us look further.
        var window = reader.UnreadSequence.Slice(0, Math.Min(reader.Remaining, MaxV1Length));
        var scan = new SequenceReader<byte>(window);
        if (!scan.TryAdvanceToAny("\r\n"u8, advancePastDelimiter: false))
        {
            return window.Length >= MaxV1Length ? Fail(ProxyHeaderError.LineTooLong, out error) : ProxyParseStatus.Incomplete;
        }

        var lineLength = (int)scan.Consumed;
        scan.TryRead(out var cr);
        // Spec 2.1: "The receiver must not tolerate a single CR or LF character to end the line."
        if (cr != '\r')
        {
            return Fail(ProxyHeaderError.BadLineEnding, out error);
        }

        if (!scan.TryRead(out var lf))
        {
            return window.Length >= MaxV1Length ? Fail(ProxyHeaderError.LineTooLong, out error) : ProxyParseStatus.Incomplete;
        }

        if (lf != '\n')
        {
            return Fail(ProxyHeaderError.BadLineEnding, out error);
        }

        Span<byte> line = stackalloc byte[MaxV1Length];
        window.Slice(0, lineLength).CopyTo(line);
        if (!TryParseV1Line(line[V1Prefix.Length..lineLength], out header))
        {
            return Fail(ProxyHeaderError.MalformedLine, out error);
        }

        header = header with { Version = 1, Command = ProxyCommand.Proxy, Length = lineLength + 2 };
        reader.Advance(lineLength + 2);
        return ProxyParseStatus.Complete;
    }

    /// <summary>The line after "PROXY ", without its CRLF: "TCP4 src dst sport dport" or "UNKNOWN[ anything]".</summary>
    private static bool TryParseV1Line(ReadOnlySpan<byte> line, out ProxyHeader header)
    {
        header = default;
        // Spec 2.1: for UNKNOWN "the receiver must ignore anything presented before the CRLF", and
        // uses the real connection's endpoints.
        if (line.StartsWith("UNKNOWN"u8) && (line.Length == 7 || line[7] == ' '))
        {
            return true;
        }

        ProxyAddressFamily family;
        if (line.StartsWith("TCP4 "u8))
        {
            family = ProxyAddressFamily.IPv4;
        }
        else if (line.StartsWith("TCP6 "u8))
        {
            family = ProxyAddressFamily.IPv6;
        }
        else
        {
            return false;
        }

        // Exactly one space between the four fields, and nothing after the last.
        var rest = line[5..];
        if (!NextField(ref rest, out var source) || !NextField(ref rest, out var destination) || !NextField(ref rest, out var sourcePort)
            || !ProxyAddressText.TryParsePort(sourcePort, out var sport) || !ProxyAddressText.TryParsePort(rest, out var dport))
        {
            return false;
        }

        UInt128 src, dst;
        if (family == ProxyAddressFamily.IPv4)
        {
            // "The advertised protocol family dictates what format to use" (spec 2.1).
            if (!ProxyAddressText.TryParseIPv4(source, out var src4) || !ProxyAddressText.TryParseIPv4(destination, out var dst4))
            {
                return false;
            }

            (src, dst) = (src4, dst4);
        }
        else if (!ProxyAddressText.TryParseIPv6(source, out src) || !ProxyAddressText.TryParseIPv6(destination, out dst))
        {
            return false;
        }

        header = new ProxyHeader
        {
            Family = family,
            Protocol = ProxyTransportProtocol.Stream,
            SourceAddress = src,
            DestinationAddress = dst,
            SourcePort = sport,
            DestinationPort = dport,
        };
        return true;
    }

    private static bool NextField(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> field)
    {
        var space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            field = default;
            return false;
        }

        field = rest[..space];
        rest = rest[(space + 1)..];
        return true;
    }
}
