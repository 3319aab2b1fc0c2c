using System.Buffers.Binary;
using System.Net;

namespace Ingest.Protocol.Tests;

/// <summary>Builds version 2 PROXY headers byte by byte from the spec's layout (proxy-protocol.txt 2.2), for tests.</summary>
internal static class ProxyV2
{
    public static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public const byte Local = 0x20;
    public const byte Proxy = 0x21;

    /// <summary>Signature, version/command, family/protocol, then the body with its length in front.</summary>
    public static byte[] Header(byte versionCommand, byte familyProtocol, params byte[][] body)
    {
        byte[] joined = [.. body.SelectMany(part => part)];
        return [.. Signature, versionCommand, familyProtocol, (byte)(joined.Length >> 8), (byte)joined.Length, .. joined];
    }

    public static byte[] Tcp(string source, string destination, params byte[][] tlvs)
    {
        var src = IPEndPoint.Parse(source);
        var dst = IPEndPoint.Parse(destination);
        var family = src.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? (byte)0x11 : (byte)0x21;
        return Header(Proxy, family, [.. Addresses(src, dst), .. tlvs.SelectMany(tlv => tlv)]);
    }

    public static byte[] Addresses(IPEndPoint source, IPEndPoint destination) =>
        [.. source.Address.GetAddressBytes(), .. destination.Address.GetAddressBytes(), .. Port(source.Port), .. Port(destination.Port)];

    public static byte[] Tlv(byte type, byte[] value) => [type, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    /// <summary>Appends a PP2_TYPE_CRC32C TLV and fills it in as spec 2.2.3 says a sender must.</summary>
    public static byte[] WithChecksum(byte[] header)
    {
        byte[] result = [.. header, .. Tlv(0x03, new byte[4])];
        var length = BinaryPrimitives.ReadUInt16BigEndian(result.AsSpan(14)) + 7;
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(14), (ushort)length);
        BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(result.Length - 4), Crc32c(result));
        return result;
    }

    /// <summary>Bitwise CRC32c (Castagnoli, reflected 0x82F63B78), written independently of the parser's as the oracle.</summary>
    public static uint Crc32c(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] Port(int port) => [(byte)(port >> 8), (byte)port];
}
