using System.Net;

namespace Ingest.Session;

/// <summary>What the transport knows about the connection; the client address may come from PROXY later.</summary>
public sealed record ConnectionInfo(string ConnectionId, IPEndPoint? RemoteEndPoint, IPEndPoint? LocalEndPoint)
{
    /// <summary>Set when the connection is already encrypted (implicit TLS, RFC 8314 3).</summary>
    public TlsInfo? Tls { get; init; }

    /// <summary>The STARTTLS upgrade this connection offers; null when the endpoint has no certificate or is already TLS.</summary>
    public IStartTls? StartTls { get; init; }

    /// <summary>The endpoint's policy: MAIL is refused with 530 5.7.0 until TLS is active (RFC 3207 4).</summary>
    public bool RequireTls { get; init; }
}
