using System.Net;

namespace Ingest.Authentication.Dns;

/// <summary>
/// One answer, reduced to what authentication uses: TXT records as their strings joined (RFC 7208
/// 3.3, RFC 6376 3.6.2.2), MX exchanges ordered by preference, PTR names, or addresses.
/// </summary>
public sealed class DnsAnswer
{
    public static readonly DnsAnswer NxDomain = new(DnsStatus.NxDomain);
    public static readonly DnsAnswer ServerFailure = new(DnsStatus.ServerFailure);
    public static readonly DnsAnswer Timeout = new(DnsStatus.Timeout);
    public static readonly DnsAnswer Empty = new(DnsStatus.Ok);

    public DnsAnswer(DnsStatus status, IReadOnlyList<string>? values = null, IReadOnlyList<IPAddress>? addresses = null, TimeSpan? ttl = null)
    {
        Status = status;
        Ttl = ttl;
        Values = values ?? [];
        Addresses = addresses ?? [];
    }

    public DnsStatus Status { get; }

    /// <summary>How long the answer may be kept: the lowest record TTL, or the SOA minimum of a negative answer (RFC 2308 5); null when unknown.</summary>
    public TimeSpan? Ttl { get; }

    /// <summary>TXT strings (one entry per record), MX exchanges or PTR names.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>A or AAAA addresses.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    public bool IsTemporaryFailure => Status is DnsStatus.ServerFailure or DnsStatus.Timeout;

    /// <summary>RFC 7208 4.6.4: a "void lookup" is NXDOMAIN or an answer with no records.</summary>
    public bool IsVoid => Status == DnsStatus.NxDomain || (Status == DnsStatus.Ok && Values.Count == 0 && Addresses.Count == 0);
}
