using System.Diagnostics.Metrics;
using Ingest.Authentication.Dns;

namespace Ingest.Authentication;

/// <summary>
/// Every metric of message authentication, in one place (STYLE rule 10): DNS queries by type and
/// outcome, their latency, cache hits, and verdicts by method and result. Tags come from fixed
/// sets (record types, statuses, RFC 8601 result words), never names or addresses.
/// </summary>
public sealed class AuthenticationMetrics
{
    public const string MeterName = "Ingest.Authentication";

    private static readonly string[] TypeNames = ["TXT", "A", "AAAA", "MX", "PTR"];
    private static readonly string[] StatusNames = ["ok", "nxdomain", "servfail", "timeout"];

    private readonly Counter<long> _queries;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _verdicts;
    private readonly Histogram<double> _waited;

    public AuthenticationMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _queries = Meter.CreateCounter<long>("ingest.auth.dns.queries", "{query}", "DNS queries sent by message authentication, by record type and outcome (ok, nxdomain, servfail, timeout).");
        _latency = Meter.CreateHistogram<double>("ingest.auth.dns.duration", "s", "Time from sending a DNS query to its answer or timeout.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _cacheHits = Meter.CreateCounter<long>("ingest.auth.dns.cache.hits", "{query}", "DNS questions answered from the cache (or joined to the same question in flight).");
        _verdicts = Meter.CreateCounter<long>("ingest.auth.verdicts", "{verdict}", "Authentication verdicts, by method (spf, dkim, dmarc) and RFC 8601 result.");
        _waited = Meter.CreateHistogram<double>("ingest.auth.wait.duration", "s", "How long the end of a message waited for its authentication to finish (DNS still in flight).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0, 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] });
    }

    /// <summary>Metrics on a meter of their own, for use outside dependency injection (tests, benchmarks).</summary>
    public static AuthenticationMetrics Standalone() => new(new StandaloneMeterFactory());

    public Meter Meter { get; }

    internal void Query(DnsType type, DnsStatus status, TimeSpan duration)
    {
        var typeTag = new KeyValuePair<string, object?>("dns.question.type", TypeNames[(int)type]);
        _queries.Add(1, typeTag, new KeyValuePair<string, object?>("dns.outcome", StatusNames[(int)status]));
        _latency.Record(duration.TotalSeconds, typeTag);
    }

    internal void CacheHit(DnsType type) => _cacheHits.Add(1, new KeyValuePair<string, object?>("dns.question.type", TypeNames[(int)type]));

    internal void Verdict(string method, string result) => _verdicts.Add(1,
        new KeyValuePair<string, object?>("auth.method", method),
        new KeyValuePair<string, object?>("auth.result", result));

    internal void Waited(TimeSpan duration) => _waited.Record(duration.TotalSeconds);

    private sealed class StandaloneMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(meter => meter.Dispose());
            }
        }
    }
}
