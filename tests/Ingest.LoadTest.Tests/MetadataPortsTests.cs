using System.Buffers.Binary;
using System.Text;
using Ingest.FaultProxy;

namespace Ingest.LoadTest.Tests;

public sealed class MetadataPortsTests
{
    private static readonly Dictionary<int, int> Ports = new() { [9092] = 40001, [9093] = 40002 };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(12)]
    public void BrokerPortsAreRewrittenAndNothingElseMoves(short version)
    {
        var response = Response(version, [(1, "127.0.0.1", 9092, "rack-a"), (2, "127.0.0.1", 9093, null), (3, "127.0.0.1", 9999, null)]);
        var expected = Response(version, [(1, "127.0.0.1", 40001, "rack-a"), (2, "127.0.0.1", 40002, null), (3, "127.0.0.1", 9999, null)]);

        Assert.Equal(2, MetadataPorts.Rewrite(response, version, Ports));
        Assert.Equal(expected, response);
    }

    /// <summary>The start of a Metadata response as a broker writes it: header, throttle time, brokers, then a topic array left opaque.</summary>
    private static byte[] Response(short version, (int Node, string Host, int Port, string? Rack)[] brokers)
    {
        var flexible = version >= 9;
        var bytes = new List<byte>();
        void Int32(int value) => bytes.AddRange(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(value)));
        void Int16(short value) => bytes.AddRange(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(value)));
        void Varint(uint value)
        {
            while (value >= 0x80)
            {
                bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            bytes.Add((byte)value);
        }

        void String(string? value)
        {
            if (flexible)
            {
                Varint(value is null ? 0 : (uint)value.Length + 1);
            }
            else
            {
                Int16(value is null ? (short)-1 : (short)value.Length);
            }

            bytes.AddRange(Encoding.ASCII.GetBytes(value ?? ""));
        }

        Int32(77);
        if (flexible)
        {
            // A tagged field in the header, to be skipped: tag 0, 2 bytes.
            Varint(1);
            Varint(0);
            Varint(2);
            bytes.AddRange([0xAB, 0xCD]);
        }

        if (version >= 3)
        {
            Int32(0);
        }

        if (flexible)
        {
            Varint((uint)brokers.Length + 1);
        }
        else
        {
            Int32(brokers.Length);
        }

        foreach (var (node, host, port, rack) in brokers)
        {
            Int32(node);
            String(host);
            Int32(port);
            if (version >= 1)
            {
                String(rack);
            }

            if (flexible)
            {
                Varint(0);
            }
        }

        bytes.AddRange([0x00, 0x01, 0x02, 0x03]);
        return [.. bytes];
    }
}
