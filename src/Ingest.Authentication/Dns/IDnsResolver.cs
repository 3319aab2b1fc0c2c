namespace Ingest.Authentication.Dns;

/// <summary>
/// Asynchronous DNS for message authentication. Never throws for a DNS outcome (timeouts and
/// failures are <see cref="DnsStatus"/> values); cancellation means the caller's budget ran out.
/// </summary>
public interface IDnsResolver
{
    ValueTask<DnsAnswer> QueryAsync(string name, DnsType type, CancellationToken cancellationToken);
}
