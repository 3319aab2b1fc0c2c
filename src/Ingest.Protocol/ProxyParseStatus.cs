namespace Ingest.Protocol;

public enum ProxyParseStatus : byte
{
    /// <summary>What has arrived is a valid start of a header: nothing consumed, read more.</summary>
    Incomplete,

    /// <summary>A whole, valid header was consumed, and nothing after it.</summary>
    Complete,

    /// <summary>Not a valid PROXY header; the reason is a <see cref="ProxyHeaderError"/>. The connection must be closed.</summary>
    Invalid,
}
