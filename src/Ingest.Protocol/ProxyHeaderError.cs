namespace Ingest.Protocol;

/// <summary>Why a PROXY protocol header was refused: data for logs, never text sent to the peer.</summary>
public enum ProxyHeaderError : byte
{
    None,

    /// <summary>Neither "PROXY " nor the version 2 signature: the peer does not speak the protocol (spec 2.2, version detection).</summary>
    NotProxyProtocol,

    /// <summary>Version 1: no CRLF within the first 107 octets (spec 2.1).</summary>
    LineTooLong,

    /// <summary>Version 1: a lone CR or LF where CRLF must end the line (spec 2.1).</summary>
    BadLineEnding,

    /// <summary>Version 1: the line does not match the grammar exactly (spec 2.1).</summary>
    MalformedLine,

    /// <summary>Version 2: the version nibble is not 2 (spec 2.2).</summary>
    UnsupportedVersion,

    /// <summary>Version 2: a command other than LOCAL or PROXY (spec 2.2).</summary>
    UnknownCommand,

    /// <summary>Version 2: an address family above AF_UNIX or a transport above DGRAM (spec 2.2).</summary>
    UnknownAddressFamily,

    /// <summary>Version 2: the declared length is beyond our cap (<see cref="ProxyHeaderParser.MaxV2Length"/>).</summary>
    TooLarge,

    /// <summary>Version 2: the declared length is shorter than the family's address block (spec 2.2).</summary>
    AddressesTruncated,

    /// <summary>Version 2: a TLV that overruns the header, or one of a registered type with an impossible length (spec 2.2.1 to 2.2.6).</summary>
    MalformedTlv,

    /// <summary>Version 2: a PP2_TYPE_CRC32C that does not match the header (spec 2.2.3).</summary>
    ChecksumMismatch,
}
