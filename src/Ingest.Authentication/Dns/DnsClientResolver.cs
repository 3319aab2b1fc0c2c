using System.Diagnostics;
using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Ingest.Authentication.Dns;

/// <summary>
/// The network resolver: DnsClient.NET's <see cref="LookupClient"/> with its own cache off (the
/// bounded <see cref="CachingDnsResolver"/> sits in front), per-query timeout and retries from
/// <see cref="DnsOptions"/>. Every outcome becomes a <see cref="DnsAnswer"/>.
/// </summary>
public sealed class DnsClientResolver : IDnsResolver
{
    private readonly LookupClient _client;
    private readonly AuthenticationMetrics _metrics;

    public DnsClientResolver(DnsOptions options, AuthenticationMetrics metrics)
    {
        var servers = options.Servers.Select(IPEndPoint.Parse).ToArray();
        var lookup = servers.Length > 0 ? new LookupClientOptions(servers) : new LookupClientOptions();
        lookup.UseCache = false;
        lookup.Timeout = options.QueryTimeout;
        lookup.Retries = options.Retries;
        lookup.ThrowDnsErrors = false;
        lookup.ContinueOnDnsError = false;
        lookup.ContinueOnEmptyResponse = false;
        lookup.UseTcpFallback = true;
        lookup.UseRandomNameServer = false;
        _client = new LookupClient(lookup);
        _metrics = metrics;
    }

    public async ValueTask<DnsAnswer> QueryAsync(string name, DnsType type, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        DnsAnswer answer;
        try
        {
            var response = await _client.QueryAsync(name, QueryTypeOf(type), QueryClass.IN, cancellationToken);
            answer = Convert(response, type);
        }
        catch (DnsResponseException exception) when (exception.Code == DnsResponseCode.ConnectionTimeout)
        {
            answer = DnsAnswer.Timeout;
        }
        catch (DnsResponseException)
        {
            answer = DnsAnswer.ServerFailure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            answer = DnsAnswer.Timeout;
        }

        _metrics.Query(type, answer.Status, Stopwatch.GetElapsedTime(started));
        return answer;
    }

    private static DnsAnswer Convert(IDnsQueryResponse response, DnsType type)
    {
        switch (response.Header.ResponseCode)
        {
            case DnsHeaderResponseCode.NoError:
                break;
            case DnsHeaderResponseCode.NotExistentDomain:
                return new DnsAnswer(DnsStatus.NxDomain, ttl: NegativeTtl(response));
            default:
                return DnsAnswer.ServerFailure;
        }

        var ttl = response.Answers.Count == 0 ? NegativeTtl(response) : TimeSpan.FromSeconds(response.Answers.Min(record => record.TimeToLive));
        switch (type)
        {
            case DnsType.Txt:
                // RFC 7208 3.3 and RFC 6376 3.6.2.2: a record's strings are joined with nothing between.
                return new DnsAnswer(DnsStatus.Ok, response.Answers.TxtRecords().Select(record => string.Concat(record.Text)).ToArray(), ttl: ttl);
            case DnsType.Mx:
                return new DnsAnswer(DnsStatus.Ok, response.Answers.MxRecords().OrderBy(record => record.Preference)
                    .Select(record => TrimDot(record.Exchange.Value)).ToArray(), ttl: ttl);
            case DnsType.Ptr:
                return new DnsAnswer(DnsStatus.Ok, response.Answers.PtrRecords().Select(record => TrimDot(record.PtrDomainName.Value)).ToArray(), ttl: ttl);
            case DnsType.A:
                return new DnsAnswer(DnsStatus.Ok, addresses: response.Answers.ARecords().Select(record => record.Address).ToArray(), ttl: ttl);
            default:
                return new DnsAnswer(DnsStatus.Ok, addresses: response.Answers.AaaaRecords().Select(record => record.Address).ToArray(), ttl: ttl);
        }
    }

    /// <summary>RFC 2308 5: a negative answer is kept for the lesser of the SOA's TTL and its MINIMUM field.</summary>
    private static TimeSpan? NegativeTtl(IDnsQueryResponse response) =>
        response.Authorities.SoaRecords().FirstOrDefault() is { } soa ? TimeSpan.FromSeconds(Math.Min(soa.TimeToLive, soa.Minimum)) : null;

    private static string TrimDot(string name) => name.EndsWith('.') ? name[..^1] : name;

    private static QueryType QueryTypeOf(DnsType type) => type switch
    {
        DnsType.Txt => QueryType.TXT,
        DnsType.A => QueryType.A,
        DnsType.Aaaa => QueryType.AAAA,
        DnsType.Mx => QueryType.MX,
        _ => QueryType.PTR,
    };
}
