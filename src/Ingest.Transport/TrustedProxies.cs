using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Ingest.Transport;

/// <summary>
/// The peers allowed to send a PROXY header: "accepting the header only from a number of known
/// sources should be safe" (spec 5). The list is short and fixed at start-up, so a linear scan.
/// </summary>
public sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    public TrustedProxies(IEnumerable<string> networks)
    {
        _networks = networks.Select(text => TryParseNetwork(text, out var network, out var problem)
            ? network
            : throw new FormatException($"'{text}' {problem}")).ToArray();
    }

    public bool Contains(IPAddress address)
    {
        // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; the operator wrote a.b.c.d/n.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// address/prefix, or a single address (a /32 or /128). Host bits beyond the prefix are an
    /// error rather than silently cleared: 10.1.2.3/8 may have meant 10.1.2.3/32, and this list is
    /// a security boundary.
    /// </summary>
    public static bool TryParseNetwork(string text, out IPNetwork network, [NotNullWhen(false)] out string? problem)
    {
        network = default;
        problem = "is not a network in CIDR form (10.0.0.0/8, 2001:db8::/32) or an IP address.";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!TryParseAddress(slash < 0 ? text : text.AsSpan(0, slash), out var written))
        {
            return false;
        }

        if (slash < 0)
        {
            network = new IPNetwork(written, written.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }
        else if (!IPNetwork.TryParse(text, out network))
        {
            return false;
        }
        else if (!written.Equals(network.BaseAddress))
        {
            problem = $"has bits set beyond the /{network.PrefixLength} prefix; write {network} or a longer prefix.";
            return false;
        }

        problem = null;
        return true;
    }

    // IPAddress.TryParse also takes legacy IPv4 forms ("10.1" is 10.0.0.1); only the dotted quad is accepted here.
    private static bool TryParseAddress(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address) =>
        IPAddress.TryParse(text, out address)
        && (address.AddressFamily == AddressFamily.InterNetworkV6 ? text.Contains(':') : text.SequenceEqual(address.ToString()));
}
