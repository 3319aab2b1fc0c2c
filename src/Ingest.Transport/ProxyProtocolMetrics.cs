using System.Diagnostics.Metrics;
using Ingest.Protocol;

namespace Ingest.Transport;

/// <summary>
/// What happened to connections on PROXY protocol endpoints, on the SMTP meter so the existing
/// exporters carry it. Tags come from fixed sets (outcomes, header versions), never addresses.
/// </summary>
public sealed class ProxyProtocolMetrics
{
    public const string Accepted = "accepted";
    public const string UntrustedPeer = "untrusted_peer";
    public const string Timeout = "timeout";
    public const string ClosedEarly = "closed_early";

    private static readonly string[] ErrorNames = Enum.GetValues<ProxyHeaderError>().Select(Snake).ToArray();
    private static readonly object[] Versions = ["1", "2"];

    private readonly Counter<long> _connections;

    public ProxyProtocolMetrics(Meter meter)
    {
        _connections = meter.CreateCounter<long>(
            "smtp.server.proxy_protocol.connections",
            "{connection}",
            "Connections on PROXY protocol endpoints: accepted (by header version), or closed because the peer is untrusted, the header timed out, the peer left, or the header was invalid (by reason).");
    }

    internal void HeaderAccepted(byte version) =>
        _connections.Add(1, new("proxy_protocol.outcome", Accepted), new("proxy_protocol.version", Versions[version - 1]));

    internal void Refused(string outcome) => _connections.Add(1, new KeyValuePair<string, object?>("proxy_protocol.outcome", outcome));

    internal void Refused(ProxyHeaderError error) => Refused(ErrorNames[(int)error]);

    private static string Snake(ProxyHeaderError value) =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
