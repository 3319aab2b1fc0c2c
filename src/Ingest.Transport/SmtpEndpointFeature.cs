namespace Ingest.Transport;

/// <summary>
/// The TLS settings of the endpoint a connection arrived on, set as a connection feature by the
/// endpoint's first middleware: the PROXY middleware may rewrite the local address, so the
/// handler cannot tell the endpoint from the connection's addresses.
/// </summary>
internal sealed class SmtpEndpointFeature(TlsHandshake? tls, bool requireTls)
{
    /// <summary>Null when the gateway has no certificate: no STARTTLS.</summary>
    public TlsHandshake? Tls => tls;

    public bool RequireTls => requireTls;

    /// <summary>Set by the implicit-TLS middleware once its handshake succeeded.</summary>
    public SecuredConnection? Secured { get; set; }
}
