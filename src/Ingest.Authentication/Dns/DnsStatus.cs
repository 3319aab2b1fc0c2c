namespace Ingest.Authentication.Dns;

/// <summary>How a query ended. Errors are data: a resolver never throws for a DNS answer.</summary>
public enum DnsStatus : byte
{
    /// <summary>An answer, possibly with no records of the type asked (NODATA).</summary>
    Ok,

    /// <summary>The name does not exist (RCODE 3, RFC 1035 4.1.1).</summary>
    NxDomain,

    /// <summary>SERVFAIL, REFUSED, a malformed answer: worth retrying later.</summary>
    ServerFailure,

    /// <summary>No answer within the per-query timeout, or the message's DNS budget ran out.</summary>
    Timeout,
}
