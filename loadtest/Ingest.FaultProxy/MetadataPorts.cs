using System.Buffers.Binary;

namespace Ingest.FaultProxy;

/// <summary>
/// Rewrites the broker ports in a Kafka Metadata response (api key 3) in place, so a client that
/// bootstrapped through the proxy keeps connecting through it: brokers advertise their own
/// addresses, and kfake has no advertised.listeners setting. A port is a fixed-width INT32, so
/// the frame keeps its length. Layout (Kafka protocol guide, MetadataResponse v0-v12): response
/// header (correlation id; tagged fields from v9, the flexible versions), throttle_time_ms (v3+),
/// then the brokers array: node_id INT32, host STRING, port INT32, rack NULLABLE_STRING (v1+),
/// tagged fields (v9+); compact arrays and strings (unsigned varint lengths plus one) from v9.
/// </summary>
internal static class MetadataPorts
{
    /// <summary>Rewrites ports found in <paramref name="ports"/>; returns how many. <paramref name="response"/> starts at the correlation id.</summary>
    public static int Rewrite(Span<byte> response, short version, IReadOnlyDictionary<int, int> ports)
    {
        var flexible = version >= 9;
        var at = 4;
        if (flexible)
        {
            SkipTaggedFields(response, ref at);
        }

        if (version >= 3)
        {
            at += 4;
        }

        var brokers = flexible ? (int)ReadUnsignedVarint(response, ref at) - 1 : ReadInt32(response, ref at);
        var rewritten = 0;
        for (var i = 0; i < brokers; i++)
        {
            at += 4;
            SkipString(response, ref at, flexible);
            var port = BinaryPrimitives.ReadInt32BigEndian(response[at..]);
            if (ports.TryGetValue(port, out var proxied))
            {
                BinaryPrimitives.WriteInt32BigEndian(response[at..], proxied);
                rewritten++;
            }

            at += 4;
            if (version >= 1)
            {
                SkipString(response, ref at, flexible);
            }

            if (flexible)
            {
                SkipTaggedFields(response, ref at);
            }
        }

        return rewritten;
    }

    private static int ReadInt32(ReadOnlySpan<byte> span, ref int at)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(span[at..]);
        at += 4;
        return value;
    }

    // A null string is length -1 (INT16) or 0 (compact): nothing follows either way.
    private static void SkipString(ReadOnlySpan<byte> span, ref int at, bool compact)
    {
        if (compact)
        {
            var length = (int)ReadUnsignedVarint(span, ref at) - 1;
            at += Math.Max(length, 0);
        }
        else
        {
            var length = BinaryPrimitives.ReadInt16BigEndian(span[at..]);
            at += 2 + Math.Max((int)length, 0);
        }
    }

    private static void SkipTaggedFields(ReadOnlySpan<byte> span, ref int at)
    {
        var count = ReadUnsignedVarint(span, ref at);
        for (var i = 0u; i < count; i++)
        {
            ReadUnsignedVarint(span, ref at);
            // Not "at += Read(ref at)": the compound assignment would add to the value before the read.
            var size = (int)ReadUnsignedVarint(span, ref at);
            at += size;
        }
    }

    private static uint ReadUnsignedVarint(ReadOnlySpan<byte> span, ref int at)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = span[at++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint too long");
    }
}
