using System.Diagnostics.Metrics;
using Ingest.Session;

namespace Ingest.Transport;

/// <summary>
/// Connections as the transport sees them: admitted, refused at admission, closed (by why the
/// session ended) and how long they lasted. On the SMTP meter, so the existing exporters carry
/// them; only the transport opens and closes connections, so only it counts them.
/// </summary>
public sealed class ConnectionMetrics
{
    private static readonly string[] EndNames = Enum.GetValues<SessionEnd>().Select(Snake).ToArray();

    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _opened;
    private readonly Counter<long> _closed;
    private readonly Histogram<double> _duration;

    public ConnectionMetrics(Meter meter)
    {
        _active = meter.CreateUpDownCounter<long>("smtp.server.connections.active", "{connection}", "SMTP connections currently open.");
        _opened = meter.CreateCounter<long>("smtp.server.connections.opened", "{connection}", "SMTP connections accepted.");
        _closed = meter.CreateCounter<long>("smtp.server.connections.closed", "{connection}", "SMTP connections closed, by why the session ended.");
        _duration = meter.CreateHistogram<double>("smtp.server.connection.duration", "s", "How long SMTP connections stayed open.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800] });
    }

    /// <summary>A connection was admitted and its session starts.</summary>
    public void Opened()
    {
        _opened.Add(1);
        _active.Add(1);
    }

    /// <summary>A connection that was admitted is gone.</summary>
    public void Closed(SessionEnd end, TimeSpan duration)
    {
        _active.Add(-1);
        var tag = new KeyValuePair<string, object?>("smtp.session.end", EndNames[(int)end]);
        _closed.Add(1, tag);
        _duration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>A connection refused at admission (limits): counted as opened and closed at once.</summary>
    public void Refused()
    {
        _opened.Add(1);
        _closed.Add(1, new KeyValuePair<string, object?>("smtp.session.end", EndNames[(int)SessionEnd.Refused]));
    }

    private static string Snake(SessionEnd value) =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
