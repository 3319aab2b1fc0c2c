namespace Ingest.Authentication.Dns;

/// <summary>The resolver of message authentication; bound from Ingest:Authentication:Dns.</summary>
public sealed class DnsOptions
{
    /// <summary>Name servers as address:port (127.0.0.1:53, [::1]:53); empty: the system's (/etc/resolv.conf).</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>One query's wait for an answer, per attempt.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Further attempts after a timeout.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Most answers kept in the cache; beyond it expired entries are dropped, then new answers go uncached.</summary>
    public int CacheSize { get; set; } = 50_000;

    /// <summary>Longest time an answer is kept, whatever its TTL.</summary>
    public TimeSpan MaxCacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long NXDOMAIN and NODATA answers are kept (RFC 2308 would take the SOA minimum; this caps it).</summary>
    public TimeSpan NegativeCacheTtl { get; set; } = TimeSpan.FromMinutes(5);
}
