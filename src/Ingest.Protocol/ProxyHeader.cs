using System.Buffers.Binary;
using System.Net;

namespace Ingest.Protocol;

/// <summary>
/// A parsed PROXY protocol header. Addresses are kept as numbers in network order (IPv4 in the
/// low 32 bits), so parsing allocates nothing; <see cref="SourceEndPoint"/> and
/// <see cref="DestinationEndPoint"/> make the objects once, at the transport boundary.
/// </summary>
public readonly record struct ProxyHeader
{
    /// <summary>1 for the text format (spec 2.1), 2 for the binary one (spec 2.2).</summary>
    public byte Version { get; init; }

    public ProxyCommand Command { get; init; }

    public ProxyAddressFamily Family { get; init; }

    public ProxyTransportProtocol Protocol { get; init; }

    public UInt128 SourceAddress { get; init; }

    public UInt128 DestinationAddress { get; init; }

    public ushort SourcePort { get; init; }

    public ushort DestinationPort { get; init; }

    /// <summary>Octets the header occupied on the wire, all of which were consumed.</summary>
    public int Length { get; init; }

    /// <summary>The header carried a PP2_TYPE_CRC32C and it matched (spec 2.2.3).</summary>
    public bool ChecksumVerified { get; init; }

    /// <summary>A PP2_TYPE_SSL TLV with PP2_CLIENT_SSL set: the client spoke TLS to the proxy (spec 2.2.6).</summary>
    public bool ClientUsedTls { get; init; }

    /// <summary>
    /// True when the header names the client's TCP endpoints. LOCAL, UNKNOWN, AF_UNSPEC, AF_UNIX
    /// and datagram headers do not: the receiver keeps the socket's endpoints, which is the
    /// spec's fallback for combinations it does not implement (spec 2.1 UNKNOWN, 2.2).
    /// </summary>
    public bool CarriesAddresses =>
        Command == ProxyCommand.Proxy
        && Protocol == ProxyTransportProtocol.Stream
        && Family is ProxyAddressFamily.IPv4 or ProxyAddressFamily.IPv6;

    public IPEndPoint SourceEndPoint() => ToEndPoint(SourceAddress, SourcePort);

    public IPEndPoint DestinationEndPoint() => ToEndPoint(DestinationAddress, DestinationPort);

    private IPEndPoint ToEndPoint(UInt128 address, ushort port)
    {
        if (!CarriesAddresses)
        {
            throw new InvalidOperationException("This PROXY header carries no TCP endpoints.");
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return new IPEndPoint(new IPAddress(Family == ProxyAddressFamily.IPv4 ? bytes[12..] : bytes), port);
    }
}
