using System.Diagnostics.Metrics;

namespace Ingest.Transport;

/// <summary>
/// Failed TLS handshakes on the SMTP meter; successful ones are counted by the session metrics
/// (smtp.server.tls.sessions, by protocol and cipher). The reason is one of a fixed set.
/// </summary>
public sealed class TlsMetrics(Meter meter)
{
    public const string Timeout = "timeout";
    public const string Refused = "handshake_error";
    public const string ClosedEarly = "closed_early";

    private readonly Counter<long> _failures = meter.CreateCounter<long>(
        "smtp.server.tls.handshake.failures",
        "{handshake}",
        "TLS handshakes that did not complete: timed out, refused by TLS (protocol version, cipher, garbage), or the client left.");

    internal void HandshakeFailed(string reason) => _failures.Add(1, new KeyValuePair<string, object?>("error.type", reason));
}
