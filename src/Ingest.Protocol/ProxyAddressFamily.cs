namespace Ingest.Protocol;

/// <summary>The version 2 address family nibble (spec 2.2); version 1 TCP4, TCP6 and UNKNOWN map onto the first three.</summary>
public enum ProxyAddressFamily : byte
{
    Unspecified = 0x0,
    IPv4 = 0x1,
    IPv6 = 0x2,
    Unix = 0x3,
}
