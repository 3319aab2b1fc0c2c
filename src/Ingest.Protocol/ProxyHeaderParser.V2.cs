using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Ingest.Protocol;

/// <summary>Version 2: a 16-octet fixed part, an address block and TLVs (spec 2.2).</summary>
public static partial class ProxyHeaderParser
{
    // Spec 2.2 registered TLV types.
    private const byte TlvCrc32c = 0x03;
    private const byte TlvUniqueId = 0x05;
    private const byte TlvSsl = 0x20;
    private const byte SslClientSsl = 0x01;
    private const int MaxUniqueIdLength = 128;

    private static ProxyParseStatus TryParseV2(ref SequenceReader<byte> reader, out ProxyHeader header, out ProxyHeaderError error)
    {
        header = default;
        error = ProxyHeaderError.None;
        switch (MatchPrefix(reader, V2Signature))
        {
            case PrefixMatch.Mismatch:
                return Fail(ProxyHeaderError.NotProxyProtocol, out error);
            case PrefixMatch.Partial:
                return ProxyParseStatus.Incomplete;
        }

        Span<byte> fixedPart = stackalloc byte[V2FixedLength];
        var available = (int)Math.Min(reader.Remaining, V2FixedLength);
        reader.TryCopyTo(fixedPart[..available]);

        // Spec 2.2: the version nibble "must always be sent as \x2 and the receiver must only
        // accept this value"; commands other than LOCAL and PROXY must drop the connection.
        // Checked as soon as the octet is here, not when the whole header is.
        if (available > 12)
        {
            var version = fixedPart[12] >> 4;
            var command = fixedPart[12] & 0x0F;
            if (version != 2)
            {
                return Fail(ProxyHeaderError.UnsupportedVersion, out error);
            }

            if (command > (int)ProxyCommand.Proxy)
            {
                return Fail(ProxyHeaderError.UnknownCommand, out error);
            }
        }

        if (available < V2FixedLength)
        {
            return ProxyParseStatus.Incomplete;
        }

        // Spec 2.2: "the length of the protocol header in bytes is always exactly 16 + this value".
        var totalLength = V2FixedLength + BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);
        if (totalLength > MaxV2Length)
        {
            return Fail(ProxyHeaderError.TooLarge, out error);
        }

        // Spec 2.2: "The receiver must not start to parse an address before the whole address block is received."
        if (reader.Remaining < totalLength)
        {
            return ProxyParseStatus.Incomplete;
        }

        var whole = reader.UnreadSequence.Slice(0, totalLength);
        error = ReadBody(whole, (ProxyCommand)(fixedPart[12] & 0x0F), fixedPart[13], out header);
        if (error != ProxyHeaderError.None)
        {
            return ProxyParseStatus.Invalid;
        }

        header = header with { Version = 2, Length = totalLength };
        reader.Advance(totalLength);
        return ProxyParseStatus.Complete;
    }

    private static ProxyHeaderError ReadBody(in ReadOnlySequence<byte> whole, ProxyCommand command, byte familyAndProtocol, out ProxyHeader header)
    {
        header = new ProxyHeader { Command = command };
        // Spec 2.2 LOCAL: "the receiver must accept this connection as valid and must use the real
        // connection endpoints and discard the protocol block including the family which is
        // ignored". The length is still honoured: "must not assume zero is presented for LOCAL".
        if (command == ProxyCommand.Local)
        {
            return ProxyHeaderError.None;
        }

        var family = familyAndProtocol >> 4;
        var protocol = familyAndProtocol & 0x0F;
        // Spec 2.2: other family and protocol values "must be rejected as invalid by receivers".
        if (family > (int)ProxyAddressFamily.Unix || protocol > (int)ProxyTransportProtocol.Datagram)
        {
            return ProxyHeaderError.UnknownAddressFamily;
        }

        header = header with { Family = (ProxyAddressFamily)family, Protocol = (ProxyTransportProtocol)protocol };
        // Spec 2.2 UNSPEC (either nibble): "The receiver should ignore address information." With
        // no address layout to go by, where TLVs would begin is unknowable: skip the block whole.
        if (family == 0 || protocol == 0)
        {
            return ProxyHeaderError.None;
        }

        // Spec 2.2: 2*4 + 2*2 for IPv4, 2*16 + 2*2 for IPv6, 2*108 for AF_UNIX.
        var addressLength = header.Family switch
        {
            ProxyAddressFamily.IPv4 => 12,
            ProxyAddressFamily.IPv6 => 36,
            _ => 216,
        };
        var body = whole.Slice(V2FixedLength);
        if (body.Length < addressLength)
        {
            return ProxyHeaderError.AddressesTruncated;
        }

        if (header.Family != ProxyAddressFamily.Unix)
        {
            Span<byte> addresses = stackalloc byte[36];
            body.Slice(0, addressLength).CopyTo(addresses);
            var size = addressLength == 12 ? 4 : 16;
            header = header with
            {
                SourceAddress = size == 4 ? BinaryPrimitives.ReadUInt32BigEndian(addresses) : BinaryPrimitives.ReadUInt128BigEndian(addresses),
                DestinationAddress = size == 4 ? BinaryPrimitives.ReadUInt32BigEndian(addresses[4..]) : BinaryPrimitives.ReadUInt128BigEndian(addresses[16..]),
                SourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * size)..]),
                DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * size + 2)..]),
            };
        }

        return ReadTlvs(whole, V2FixedLength + addressLength, ref header);
    }

    /// <summary>
    /// Walks the TLVs after the address block (spec 2.2): each must fit inside the header, so a
    /// length can never take a read beyond it. Unknown and NOOP types are skipped (spec 2.2,
    /// 2.2.4); the registered types we act on are checked against their definitions.
    /// </summary>
    private static ProxyHeaderError ReadTlvs(in ReadOnlySequence<byte> whole, int start, ref ProxyHeader header)
    {
        var reader = new SequenceReader<byte>(whole.Slice(start));
        var checksumOffset = -1L;
        while (!reader.End)
        {
            var valueOffset = start + reader.Consumed + 3;
            if (!ReadTlvHeader(ref reader, out var type, out var length))
            {
                return ProxyHeaderError.MalformedTlv;
            }

            var value = reader.UnreadSequence.Slice(0, length);
            switch (type)
            {
                // Spec 2.2.3: a 32-bit CRC32c; one header has one checksum.
                case TlvCrc32c when length != 4 || checksumOffset >= 0:
                    return ProxyHeaderError.MalformedTlv;
                case TlvCrc32c:
                    checksumOffset = valueOffset;
                    break;
                // Spec 2.2.5: "an opaque byte sequence of up to 128 bytes".
                case TlvUniqueId when length > MaxUniqueIdLength:
                    return ProxyHeaderError.MalformedTlv;
                case TlvSsl:
                    if (!ReadSsl(value, out var client))
                    {
                        return ProxyHeaderError.MalformedTlv;
                    }

                    header = header with { ClientUsedTls = (client & SslClientSsl) != 0 };
                    break;
            }

            reader.Advance(length);
        }

        if (checksumOffset >= 0)
        {
            if (!ChecksumMatches(whole, checksumOffset))
            {
                return ProxyHeaderError.ChecksumMismatch;
            }

            header = header with { ChecksumVerified = true };
        }

        return ProxyHeaderError.None;
    }

    /// <summary>Type, then a 16-bit big-endian value length; false when either, or the value, overruns.</summary>
    private static bool ReadTlvHeader(ref SequenceReader<byte> reader, out byte type, out int length)
    {
        length = 0;
        if (!reader.TryRead(out type) || !reader.TryReadBigEndian(out short rawLength))
        {
            return false;
        }

        length = (ushort)rawLength;
        return reader.Remaining >= length;
    }

    /// <summary>Spec 2.2.6: client (1 octet), verify (4 octets), then sub-TLVs that exactly fill the value.</summary>
    private static bool ReadSsl(in ReadOnlySequence<byte> value, out byte client)
    {
        var reader = new SequenceReader<byte>(value);
        client = 0;
        if (!reader.TryRead(out client) || !reader.TryReadBigEndian(out int _))
        {
            return false;
        }

        while (!reader.End)
        {
            if (!ReadTlvHeader(ref reader, out _, out var length))
            {
                return false;
            }

            reader.Advance(length);
        }

        return true;
    }

    /// <summary>
    /// Spec 2.2.3: the CRC32c (RFC 4960 appendix B) of the whole header with the checksum field
    /// read as zeros, compared with the field in network order.
    /// </summary>
    private static bool ChecksumMatches(in ReadOnlySequence<byte> whole, long checksumOffset)
    {
        Span<byte> stored = stackalloc byte[4];
        whole.Slice(checksumOffset, 4).CopyTo(stored);
        var crc = uint.MaxValue;
        var position = 0L;
        foreach (var segment in whole)
        {
            foreach (var b in segment.Span)
            {
                crc = BitOperations.Crc32C(crc, (ulong)(position - checksumOffset) < 4 ? (byte)0 : b);
                position++;
            }
        }

        return ~crc == BinaryPrimitives.ReadUInt32BigEndian(stored);
    }
}
