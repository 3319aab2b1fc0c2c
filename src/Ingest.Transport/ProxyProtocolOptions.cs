namespace Ingest.Transport;

/// <summary>
/// Which endpoints expect a PROXY protocol header and whom to take it from; bound from
/// Ingest:Server:ProxyProtocol. Per the spec (section 2) an endpoint either always expects the
/// header or never does: the receiver "MUST not try to guess whether the protocol header is present".
/// </summary>
public sealed class ProxyProtocolOptions
{
    /// <summary>Entries of Ingest:Server:Endpoints, written as address:port, whose connections start with a PROXY header.</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>The load balancers' networks in CIDR form (10.0.0.0/8, 2001:db8::/32) or single addresses.</summary>
    public List<string> TrustedNetworks { get; set; } = [];

    /// <summary>
    /// From accept to the header's last octet. The spec (section 2) suggests a few seconds, "at
    /// least 3 seconds to cover a TCP retransmit"; 5 is Postfix's choice for the same job.
    /// </summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
