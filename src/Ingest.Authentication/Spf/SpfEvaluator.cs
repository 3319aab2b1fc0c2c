using System.Net;
using System.Net.Sockets;
using System.Text;
using Ingest.Authentication.Dns;

namespace Ingest.Authentication.Spf;

/// <summary>
/// check_host() of RFC 7208 4 for one identity: MAIL FROM, or postmaster@HELO for the null sender
/// (2.4). All mechanisms (5) and redirect= (6.1), macros (7), and the processing limits of 4.6.4:
/// at most 10 terms that query DNS, at most 2 void lookups, at most 10 MX or PTR names each.
/// </summary>
internal sealed class SpfEvaluator
{
    public const int MaxDnsTerms = 10;
    public const int MaxVoidLookups = 2;
    public const int MaxNamesPerLookup = 10;

    private readonly IDnsResolver _dns;
    private readonly IPAddress _client;
    private readonly string _sender;
    private readonly string _localPart;
    private readonly string _senderDomain;
    private readonly string _helo;
    private readonly CancellationToken _cancellationToken;
    private int _dnsTerms;
    private int _voidLookups;
    private string? _validatedName;

    private SpfEvaluator(IDnsResolver dns, IPAddress client, string sender, string localPart, string senderDomain, string helo, CancellationToken cancellationToken)
    {
        _dns = dns;
        _client = client;
        _sender = sender;
        _localPart = localPart;
        _senderDomain = senderDomain;
        _helo = helo;
        _cancellationToken = cancellationToken;
    }

    /// <param name="reversePath">The MAIL FROM mailbox; empty for the null reverse-path, which checks the HELO name (RFC 7208 2.4).</param>
    public static async Task<SpfVerdict> CheckAsync(IDnsResolver dns, IPAddress client, string reversePath, string helo, CancellationToken cancellationToken)
    {
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        var fromHelo = reversePath.Length == 0;
        // RFC 7208 4.3: a sender without a local part is checked as "postmaster".
        var at = reversePath.LastIndexOf('@');
        var localPart = fromHelo || at <= 0 ? "postmaster" : reversePath[..at];
        var domain = fromHelo ? helo : at < 0 ? reversePath : reversePath[(at + 1)..];
        var evaluator = new SpfEvaluator(dns, client, localPart + "@" + domain, localPart, domain, helo, cancellationToken);
        try
        {
            var (result, reason) = await evaluator.CheckHostAsync(domain, depth: 0);
            return new SpfVerdict(result, domain, fromHelo, reason);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SpfVerdict(SpfResult.TempError, domain, fromHelo, "DNS time budget exhausted");
        }
    }

    private async Task<(SpfResult Result, string Reason)> CheckHostAsync(string domain, int depth)
    {
        // RFC 7208 4.3: a malformed or single-label domain has no SPF to check.
        if (!IsValidDomain(domain))
        {
            return (SpfResult.None, "not a checkable domain");
        }

        var answer = await _dns.QueryAsync(domain, DnsType.Txt, _cancellationToken);
        if (answer.IsTemporaryFailure)
        {
            // RFC 7208 4.4: SERVFAIL or a timeout on the record lookup is a temperror.
            return (SpfResult.TempError, $"DNS {Describe(answer)} looking up {domain}");
        }

        // RFC 7208 4.5: exactly one record starting "v=spf1"; none is "none", two are a permerror.
        var records = answer.Values.Where(SpfRecord.IsSpf).ToList();
        if (records.Count == 0)
        {
            return (SpfResult.None, $"no SPF record at {domain}");
        }

        if (records.Count > 1)
        {
            return (SpfResult.PermError, $"{records.Count} SPF records at {domain}");
        }

        var record = SpfRecord.Parse(records[0], out var error);
        if (record is null)
        {
            return (SpfResult.PermError, $"{error} at {domain}");
        }

        foreach (var mechanism in record.Mechanisms)
        {
            var (match, failure, reason) = await MatchAsync(mechanism, domain, depth);
            if (failure is { } result)
            {
                return (result, reason);
            }

            if (match)
            {
                return (SpfQualifier.Of(mechanism.Qualifier), $"{domain}: {mechanism.Text}");
            }
        }

        // RFC 7208 6.1: redirect= applies only when nothing matched; an "all" always matches first.
        if (record.Redirect is { } redirect)
        {
            if (!CountDnsTerm())
            {
                return (SpfResult.PermError, "more than 10 DNS lookups");
            }

            var target = await ExpandAsync(redirect, domain);
            if (target is null)
            {
                return (SpfResult.PermError, $"redirect= of {domain} does not expand");
            }

            var (result, reason) = await CheckHostAsync(target, depth + 1);
            // RFC 7208 6.1: a redirect to a domain without a record is a permerror, not "none".
            return result == SpfResult.None ? (SpfResult.PermError, $"redirect={target}: {reason}") : (result, reason);
        }

        // RFC 7208 4.7: no match and no redirect is neutral.
        return (SpfResult.Neutral, $"{domain}: no mechanism matched");
    }

    private async Task<(bool Match, SpfResult? Failure, string Reason)> MatchAsync(SpfMechanism mechanism, string domain, int depth)
    {
        switch (mechanism.Kind)
        {
            case SpfMechanismKind.All:
                return (true, null, "");
            case SpfMechanismKind.Ip4:
            case SpfMechanismKind.Ip6:
                return (InNetwork(mechanism.Network!, mechanism.Kind == SpfMechanismKind.Ip4 ? mechanism.Cidr4 : mechanism.Cidr6), null, "");
        }

        // RFC 7208 4.6.4: include, a, mx, ptr, exists (and redirect) count against the 10-lookup limit.
        if (!CountDnsTerm())
        {
            return (false, SpfResult.PermError, "more than 10 DNS lookups");
        }

        var target = mechanism.DomainSpec is null ? domain : await ExpandAsync(mechanism.DomainSpec, domain);
        if (target is null)
        {
            return (false, SpfResult.PermError, $"{mechanism.Text} does not expand");
        }

        switch (mechanism.Kind)
        {
            case SpfMechanismKind.Include:
            {
                // RFC 7208 5.2: pass matches; fail, softfail and neutral do not; errors and "none" propagate as errors.
                var (result, reason) = await CheckHostAsync(target, depth + 1);
                return result switch
                {
                    SpfResult.Pass => (true, null, reason),
                    SpfResult.Fail or SpfResult.SoftFail or SpfResult.Neutral => (false, null, reason),
                    SpfResult.TempError => (false, SpfResult.TempError, reason),
                    _ => (false, SpfResult.PermError, $"include:{target}: {reason}"),
                };
            }

            case SpfMechanismKind.A:
                return await AddressesMatchAsync(target, mechanism, countVoid: true);
            case SpfMechanismKind.Mx:
            {
                var mx = await _dns.QueryAsync(target, DnsType.Mx, _cancellationToken);
                if (mx.IsTemporaryFailure)
                {
                    return (false, SpfResult.TempError, $"DNS {Describe(mx)} looking up MX {target}");
                }

                if (mx.IsVoid && !CountVoid())
                {
                    return (false, SpfResult.PermError, "more than 2 void lookups");
                }

                // RFC 7208 4.6.4: an mx with more than 10 names is a permerror.
                if (mx.Values.Count > MaxNamesPerLookup)
                {
                    return (false, SpfResult.PermError, $"more than 10 MX names at {target}");
                }

                foreach (var exchange in mx.Values)
                {
                    var found = await AddressesMatchAsync(exchange, mechanism, countVoid: false);
                    if (found.Match || found.Failure is not null)
                    {
                        return found;
                    }
                }

                return (false, null, "");
            }

            case SpfMechanismKind.Ptr:
            {
                var names = await ValidatedNamesAsync();
                return (names.Any(name => IsSameOrSubdomain(name, target)), null, "");
            }

            default:
            {
                // exists (RFC 7208 5.7): an A query whatever the client's address family.
                var exists = await _dns.QueryAsync(target, DnsType.A, _cancellationToken);
                if (exists.IsTemporaryFailure)
                {
                    return (false, SpfResult.TempError, $"DNS {Describe(exists)} looking up {target}");
                }

                if (exists.IsVoid && !CountVoid())
                {
                    return (false, SpfResult.PermError, "more than 2 void lookups");
                }

                return (exists.Addresses.Count > 0, null, "");
            }
        }
    }

    private async Task<(bool Match, SpfResult? Failure, string Reason)> AddressesMatchAsync(string name, SpfMechanism mechanism, bool countVoid)
    {
        var v4 = _client.AddressFamily == AddressFamily.InterNetwork;
        var answer = await _dns.QueryAsync(name, v4 ? DnsType.A : DnsType.Aaaa, _cancellationToken);
        if (answer.IsTemporaryFailure)
        {
            return (false, SpfResult.TempError, $"DNS {Describe(answer)} looking up {name}");
        }

        if (countVoid && answer.IsVoid && !CountVoid())
        {
            return (false, SpfResult.PermError, "more than 2 void lookups");
        }

        var prefix = v4 ? mechanism.Cidr4 : mechanism.Cidr6;
        return (answer.Addresses.Any(address => InNetwork(address, prefix)), null, "");
    }

    /// <summary>RFC 7208 5.5: the client's PTR names whose A/AAAA records lead back to it (at most 10 names tried).</summary>
    private async Task<List<string>> ValidatedNamesAsync()
    {
        var validated = new List<string>();
        var ptr = await _dns.QueryAsync(ReverseName(_client), DnsType.Ptr, _cancellationToken);
        if (ptr.Status != DnsStatus.Ok)
        {
            // RFC 7208 5.5: a DNS error on the PTR lookup means no match, not an error.
            return validated;
        }

        if (ptr.IsVoid)
        {
            CountVoid();
        }

        var type = _client.AddressFamily == AddressFamily.InterNetwork ? DnsType.A : DnsType.Aaaa;
        foreach (var name in ptr.Values.Take(MaxNamesPerLookup))
        {
            var addresses = await _dns.QueryAsync(name, type, _cancellationToken);
            if (addresses.Addresses.Any(address => address.Equals(_client)))
            {
                validated.Add(name);
            }
        }

        return validated;
    }

    private async Task<string?> ExpandAsync(string spec, string domain)
    {
        if (SpfMacro.UsesValidatedName(spec) && _validatedName is null)
        {
            // RFC 7208 7.3: %{p} is a validated name of the client, preferring one under the domain.
            var names = await ValidatedNamesAsync();
            _validatedName = names.FirstOrDefault(name => IsSameOrSubdomain(name, domain)) ?? names.FirstOrDefault() ?? "unknown";
        }

        var values = new SpfMacroValues(_sender, _localPart, _senderDomain, domain, MacroIp(_client),
            _client.AddressFamily == AddressFamily.InterNetwork ? "in-addr" : "ip6", _helo, _validatedName);
        var expanded = SpfMacro.Expand(spec, values);
        return expanded is null || !IsValidDomain(expanded) ? null : expanded;
    }

    private bool CountDnsTerm() => ++_dnsTerms <= MaxDnsTerms;

    private bool CountVoid() => ++_voidLookups <= MaxVoidLookups;

    private bool InNetwork(IPAddress network, int prefix)
    {
        if (network.AddressFamily != _client.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        _client.TryWriteBytes(a, out var length);
        network.TryWriteBytes(b, out _);
        var full = prefix / 8;
        if (!a[..full].SequenceEqual(b[..full]))
        {
            return false;
        }

        var bits = prefix % 8;
        if (bits == 0 || full >= length)
        {
            return true;
        }

        var mask = (byte)(0xff << (8 - bits));
        return (a[full] & mask) == (b[full] & mask);
    }

    /// <summary>%{i}: dotted quad for IPv4, dotted nibbles for IPv6 (RFC 7208 7.3).</summary>
    private static string MacroIp(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        var builder = new StringBuilder(63);
        foreach (var b in bytes)
        {
            builder.Append(Hex(b >> 4)).Append('.').Append(Hex(b & 0xf)).Append('.');
        }

        return builder.ToString(0, builder.Length - 1);
    }

    internal static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var builder = new StringBuilder(73);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                builder.Append(bytes[i]).Append('.');
            }

            return builder.Append("in-addr.arpa").ToString();
        }

        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            builder.Append(Hex(bytes[i] & 0xf)).Append('.').Append(Hex(bytes[i] >> 4)).Append('.');
        }

        return builder.Append("ip6.arpa").ToString();
    }

    private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static bool IsSameOrSubdomain(string name, string domain) =>
        name.Equals(domain, StringComparison.OrdinalIgnoreCase) || name.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);

    /// <summary>RFC 7208 4.3: at least two labels, none empty (a trailing dot aside) or over 63 octets, 253 in all.</summary>
    internal static bool IsValidDomain(string domain)
    {
        var name = domain.EndsWith('.') ? domain[..^1] : domain;
        if (name.Length is 0 or > 253 || name.StartsWith('['))
        {
            return false;
        }

        var labels = name.Split('.');
        return labels.Length >= 2 && labels.All(label => label.Length is > 0 and <= 63);
    }

    private static string Describe(DnsAnswer answer) => answer.Status == DnsStatus.Timeout ? "timeout" : "server failure";
}
