namespace Ingest.Protocol;

/// <summary>The version 2 transport nibble (spec 2.2); version 1 TCP4 and TCP6 are <see cref="Stream"/>.</summary>
public enum ProxyTransportProtocol : byte
{
    Unspecified = 0x0,
    Stream = 0x1,
    Datagram = 0x2,
}
