namespace Ingest.Protocol;

/// <summary>The version 2 command nibble (spec 2.2); version 1 headers are always <see cref="Proxy"/>.</summary>
public enum ProxyCommand : byte
{
    /// <summary>The proxy's own connection (a health check): use the socket's endpoints.</summary>
    Local = 0x0,

    /// <summary>Relayed on behalf of a client: the header's endpoints are the real ones.</summary>
    Proxy = 0x1,
}
