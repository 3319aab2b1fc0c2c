using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// Every SMTP metric, in one place (STYLE rule 10), named after the OpenTelemetry conventions
/// (https://opentelemetry.io/docs/specs/semconv/general/metrics/): dotted lowercase names, UCUM
/// units, and only bounded tags (verbs, reply codes, reasons: never addresses or host names).
/// Instruments cost next to nothing while no listener is attached.
/// </summary>
public sealed class SmtpMetrics
{
    public const string MeterName = "Ingest.Smtp";

    private static readonly string[] VerbNames = Enum.GetNames<SmtpVerb>().Select(name => name.ToUpperInvariant()).ToArray();
    private static readonly string[] RejectionNames = Enum.GetValues<Rejection>().Select(Snake).ToArray();
    private static readonly string[] AuthOutcomeNames = Enum.GetValues<AuthenticationOutcome>().Select(Snake).ToArray();

    // Per-command and per-reply counts are the hottest measurements (several per message): they are
    // plain interlocked counters here, read by observable instruments only when an exporter collects.
    private readonly long[] _commandCounts = new long[VerbNames.Length];
    private readonly ConcurrentDictionary<long, ReplyCount> _replyCounts = new();
    private readonly Counter<long> _transactionsStarted;
    private readonly Counter<long> _transactions;
    private readonly Histogram<int> _recipients;
    private readonly Histogram<long> _messageSize;
    private readonly Counter<long> _bytesReceived;
    private readonly Histogram<double> _replyDuration;
    private readonly Counter<long> _tlsUpgrades;
    private readonly Counter<long> _authAttempts;

    public SmtpMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        Meter.CreateObservableCounter("smtp.server.commands", ObserveCommands, "{command}", "SMTP commands received, by verb.");
        Meter.CreateObservableCounter("smtp.server.replies", ObserveReplies, "{reply}", "SMTP replies sent, by reply code class and enhanced status code.");
        _transactionsStarted = Meter.CreateCounter<long>("smtp.server.transactions.started", "{transaction}", "Mail transactions started by an accepted MAIL command.");
        _transactions = Meter.CreateCounter<long>("smtp.server.transactions", "{transaction}", "Mail transactions ended: accepted, rejected (with the reason) or abandoned.");
        _recipients = Meter.CreateHistogram<int>("smtp.server.message.recipients", "{recipient}", "Recipients per accepted message.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100] });
        _messageSize = Meter.CreateHistogram<long>("smtp.server.message.size", "By", "Body size of accepted messages.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });
        _bytesReceived = Meter.CreateCounter<long>("smtp.server.received", "By", "Message body octets received, accepted or not.");
        _replyDuration = Meter.CreateHistogram<double>("smtp.server.delivery.duration", "s", "From the end of a message's data to the final reply: the time the sink took to make it durable.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _tlsUpgrades = Meter.CreateCounter<long>("smtp.server.tls.sessions", "{session}", "Sessions that became encrypted (STARTTLS or implicit TLS), by TLS protocol version and cipher suite.");
        _authAttempts = Meter.CreateCounter<long>("smtp.server.auth.attempts", "{attempt}", "AUTH exchanges that reached a decision, by SASL mechanism and outcome.");
    }

    /// <summary>Metrics on a meter of their own, for a session factory built outside dependency injection.</summary>
    public static SmtpMetrics Standalone() => new(new StandaloneMeterFactory());

    /// <summary>The meter, for tests and for exporters that want it by instance.</summary>
    public Meter Meter { get; }

    internal void Command(SmtpVerb verb) => Interlocked.Increment(ref _commandCounts[(int)verb]);

    internal void Reply(ReadOnlySpan<byte> reply)
    {
        if (reply.Length >= 3)
        {
            Interlocked.Increment(ref Count(reply).Value);
        }
    }

    internal void TransactionStarted() => _transactionsStarted.Add(1);

    internal void TransactionAccepted(int recipients, long size, TimeSpan deliveryDuration)
    {
        _transactions.Add(1, new KeyValuePair<string, object?>("smtp.transaction.result", "accepted"));
        _recipients.Record(recipients);
        _messageSize.Record(size);
        _replyDuration.Record(deliveryDuration.TotalSeconds);
    }

    internal void TransactionRejected(Rejection reason) => _transactions.Add(1,
        new KeyValuePair<string, object?>("smtp.transaction.result", "rejected"),
        new KeyValuePair<string, object?>("smtp.transaction.reason", RejectionNames[(int)reason]));

    internal void TransactionAbandoned() => _transactions.Add(1, new KeyValuePair<string, object?>("smtp.transaction.result", "abandoned"));

    internal void BodyReceived(long bytes) => _bytesReceived.Add(bytes);

    /// <summary>A session now runs over TLS; the tags are small fixed sets (protocol versions, IANA cipher suites).</summary>
    public void TlsEstablished(TlsInfo tls) => _tlsUpgrades.Add(1,
        new KeyValuePair<string, object?>("tls.protocol.version", tls.Protocol),
        new KeyValuePair<string, object?>("tls.cipher", tls.Cipher));

    internal void AuthAttempt(SaslMechanism mechanism, AuthenticationOutcome outcome) => _authAttempts.Add(1,
        new KeyValuePair<string, object?>("sasl.mechanism", mechanism == SaslMechanism.Plain ? "PLAIN" : "LOGIN"),
        new KeyValuePair<string, object?>("smtp.auth.outcome", AuthOutcomeNames[(int)outcome]));

    private ReplyCount Count(ReadOnlySpan<byte> reply)
    {
        // "250 2.1.5 ...": key on the code and the enhanced code's digits, so every distinct reply
        // kind is parsed into strings once; replies are a small fixed set.
        var code = (reply[0] - '0') * 100 + (reply[1] - '0') * 10 + (reply[2] - '0');
        var enhanced = ParseEnhanced(reply, out var enhancedKey);
        var key = code * 10_000_000L + enhancedKey;
        if (_replyCounts.TryGetValue(key, out var count))
        {
            return count;
        }

        count = new ReplyCount(
            new KeyValuePair<string, object?>("smtp.reply.class", (char)reply[0] + "xx"),
            new KeyValuePair<string, object?>("smtp.reply.enhanced_code", enhanced.IsEmpty ? "none" : System.Text.Encoding.ASCII.GetString(enhanced)));
        return _replyCounts.GetOrAdd(key, count);
    }

    private IEnumerable<Measurement<long>> ObserveCommands()
    {
        for (var verb = 0; verb < _commandCounts.Length; verb++)
        {
            var value = Volatile.Read(ref _commandCounts[verb]);
            if (value > 0)
            {
                yield return new Measurement<long>(value, new KeyValuePair<string, object?>("smtp.command", VerbNames[verb]));
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveReplies()
    {
        foreach (var count in _replyCounts.Values)
        {
            yield return new Measurement<long>(Volatile.Read(ref count.Value), count.Class, count.Enhanced);
        }
    }

    private static ReadOnlySpan<byte> ParseEnhanced(ReadOnlySpan<byte> reply, out int key)
    {
        // RFC 3463 2: class "." subject "." detail, after the code and a space.
        key = 0;
        if (reply.Length < 9 || reply[3] != (byte)' ')
        {
            return default;
        }

        var text = reply[4..];
        var end = text.IndexOfAny((byte)' ', (byte)'\r');
        text = end < 0 ? text : text[..end];
        var dots = 0;
        foreach (var b in text)
        {
            if (b == (byte)'.')
            {
                dots++;
                key *= 1000;
            }
            else if (b is >= (byte)'0' and <= (byte)'9' && dots <= 2)
            {
                key = key / 1000 * 1000 + (key % 1000) * 10 + (b - '0');
            }
            else
            {
                key = 0;
                return default;
            }
        }

        return dots == 2 && key < 10_000_000 ? text : default;
    }

    private static string Snake<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    private sealed class ReplyCount(KeyValuePair<string, object?> replyClass, KeyValuePair<string, object?> enhanced)
    {
        public long Value;

        public KeyValuePair<string, object?> Class { get; } = replyClass;

        public KeyValuePair<string, object?> Enhanced { get; } = enhanced;
    }

    private sealed class StandaloneMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
