namespace Ingest.Transport;

/// <summary>The gateway's TLS, shared by every endpoint; <see cref="Handshake"/> is null when no certificate is configured.</summary>
public sealed class TlsEndpoints(TlsHandshake? handshake)
{
    public TlsHandshake? Handshake => handshake;
}
