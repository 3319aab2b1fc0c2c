namespace Ingest.Session;

/// <summary>
/// The transport's half of STARTTLS (RFC 3207): the session answers 220, flushes, then asks the
/// transport to run the TLS handshake over the same connection and hand back pipes that carry
/// the decrypted stream. The session never sees a socket or an <c>SslStream</c>.
/// </summary>
public interface IStartTls
{
    /// <summary>
    /// Runs the server side of the handshake, bounded by the transport's handshake timeout.
    /// Null when it failed (already logged and counted): the session then ends without a reply,
    /// as nothing can be said safely on a connection in an unknown TLS state.
    /// </summary>
    ValueTask<SecuredTransport?> UpgradeAsync(CancellationToken cancellationToken);
}
