using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ingest.LoadTest;

/// <summary>The counters every connection adds to, per attempt. attempted = sum of all codes + unanswered + abandoned.</summary>
internal sealed class RunStatistics(long startTimestamp, int seconds)
{
    private readonly ConcurrentDictionary<int, long> _codes = new();
    private readonly ConcurrentDictionary<string, long> _connectionErrors = new();
    private readonly ConcurrentDictionary<TlsSession, long> _tlsSessions = new();
    private long _attempted;
    private long _unanswered;
    private long _abandoned;
    private long _acceptedBytes;
    private long _connectionsOpened;
    private long _maxScheduleLagTicks;

    public long StartTimestamp { get; } = startTimestamp;

    public LatencyRecorder Latency { get; } = new();

    public ThroughputTimeline Timeline { get; } = new(startTimestamp, seconds);

    public long Attempted => Interlocked.Read(ref _attempted);

    public long Unanswered => Interlocked.Read(ref _unanswered);

    public long Abandoned => Interlocked.Read(ref _abandoned);

    public long AcceptedBytes => Interlocked.Read(ref _acceptedBytes);

    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    public TimeSpan MaxScheduleLag => TimeSpan.FromTicks(Interlocked.Read(ref _maxScheduleLagTicks));

    public IReadOnlyDictionary<int, long> Codes => _codes;

    public IReadOnlyDictionary<string, long> ConnectionErrors => _connectionErrors;

    /// <summary>Connections by the protocol and cipher suite their handshake negotiated.</summary>
    public IReadOnlyDictionary<TlsSession, long> TlsSessions => _tlsSessions;

    public long Accepted => _codes.Where(pair => pair.Key is >= 200 and < 300).Sum(pair => pair.Value);

    public void MessageStarted() => Interlocked.Increment(ref _attempted);

    public void MessageEnded(MessageOutcome outcome, int size)
    {
        _codes.AddOrUpdate(outcome.Code, 1, static (_, count) => count + 1);
        if (outcome.Latency is { } latency)
        {
            Latency.Record(latency);
        }

        if (outcome.Accepted)
        {
            Interlocked.Add(ref _acceptedBytes, size);
            Timeline.Record(Stopwatch.GetTimestamp(), size);
        }
    }

    /// <summary>Sent, at least in part, but the connection failed or the run ended before the final reply.</summary>
    public void MessageUnanswered() => Interlocked.Increment(ref _unanswered);

    /// <summary>Broken off by the sender on purpose in the middle of the data (--abandon-fraction).</summary>
    public void MessageAbandoned() => Interlocked.Increment(ref _abandoned);

    public void ConnectionOpened(TlsSession? tls)
    {
        Interlocked.Increment(ref _connectionsOpened);
        if (tls is { } session)
        {
            _tlsSessions.AddOrUpdate(session, 1, static (_, count) => count + 1);
        }
    }

    public void ConnectionError(string reason) => _connectionErrors.AddOrUpdate(reason, 1, static (_, count) => count + 1);

    public void ScheduleLag(TimeSpan lag)
    {
        long current;
        while ((current = Interlocked.Read(ref _maxScheduleLagTicks)) < lag.Ticks &&
               Interlocked.CompareExchange(ref _maxScheduleLagTicks, lag.Ticks, current) != current)
        {
        }
    }
}
