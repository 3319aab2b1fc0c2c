using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Ingest.Kafka.Records;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// Every Kafka delivery metric, in one place, in OpenTelemetry style (dotted names, UCUM units,
/// bounded tags: record kinds and librdkafka error codes). librdkafka's own statistics
/// (statistics.interval.ms) are surfaced where they matter: its queue depth and the brokers'
/// round trip.
/// </summary>
public sealed class KafkaMetrics
{
    public const string MeterName = "Ingest.Kafka";

    private readonly Counter<long> _records;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _chunkedMessages;
    private readonly Counter<long> _backpressureWaits;
    private readonly Histogram<double> _backpressureDuration;
    private readonly Counter<long> _rebuilds;
    private long _inFlightRecords;
    private Func<long>? _inFlightBytes;
    private Func<IReadOnlyDictionary<string, TopicState>>? _topics;
    private long _queuedMessages = -1;
    private double _brokerRoundTrip = -1;

    public KafkaMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MeterName);
        _records = Meter.CreateCounter<long>("kafka.producer.records", "{record}", "Records handed to the producer, by kind (whole, chunk, final, abort).");
        _bytes = Meter.CreateCounter<long>("kafka.producer.sent", "By", "Record value octets handed to the producer.");
        _deliveryDuration = Meter.CreateHistogram<double>("kafka.producer.delivery.duration", "s", "From producing a record to its acknowledgement (or failure).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _errors = Meter.CreateCounter<long>("kafka.producer.errors", "{error}", "Records that failed, by librdkafka error code.");
        _chunkedMessages = Meter.CreateCounter<long>("kafka.producer.chunked_messages", "{message}", "Messages produced as chunk records because they exceed MaxRecordBytes.");
        _backpressureWaits = Meter.CreateCounter<long>("kafka.producer.backpressure.waits", "{wait}", "Times a session had to wait for in-flight budget before producing.");
        _backpressureDuration = Meter.CreateHistogram<double>("kafka.producer.backpressure.duration", "s", "How long sessions waited for in-flight budget.");
        _rebuilds = Meter.CreateCounter<long>("kafka.producer.rebuilds", "{producer}", "New producer instances built after a fatal producer error.");
        Meter.CreateObservableGauge("kafka.producer.inflight.records", () => Volatile.Read(ref _inFlightRecords), "{record}", "Records produced and not yet acknowledged.");
        Meter.CreateObservableGauge("kafka.producer.inflight.bytes", () => _inFlightBytes?.Invoke() ?? 0, "By", "Bytes produced and not yet acknowledged (the in-flight budget in use).");
        Meter.CreateObservableGauge("kafka.producer.queue.messages", ObserveQueue, "{message}", "Messages in librdkafka's queues, from its statistics.");
        // Tagged by topic name: topics come from configuration, so the tag is bounded.
        Meter.CreateObservableGauge("kafka.topic.misconfigured", ObserveMisconfigured, "{topic}",
            "1 for a routed topic that is missing, refused or too small for the gateway's records (by kafka.topic and error.type), else 0.");
        Meter.CreateObservableGauge("kafka.topic.max_record_bytes", ObserveRecordBytes, "By", "The largest record produced to each routed topic, after its max.message.bytes.");
        Meter.CreateObservableGauge("kafka.producer.broker.rtt", ObserveRoundTrip, "s", "Average broker round trip across brokers, from librdkafka's statistics.");
    }

    public Meter Meter { get; }

    internal static KafkaMetrics Standalone() => new(new StandaloneMeterFactory());

    internal void WatchInFlightBytes(Func<long> bytes) => _inFlightBytes = bytes;

    internal void WatchTopics(Func<IReadOnlyDictionary<string, TopicState>> topics) => _topics = topics;

    internal long Produced(RecordKind kind, int bytes)
    {
        _records.Add(1, new KeyValuePair<string, object?>("kafka.record.kind", RecordKinds.Name(kind)));
        _bytes.Add(bytes);
        Interlocked.Increment(ref _inFlightRecords);
        return Stopwatch.GetTimestamp();
    }

    internal void Settled(long producedAt, string? errorCode)
    {
        Interlocked.Decrement(ref _inFlightRecords);
        _deliveryDuration.Record(Stopwatch.GetElapsedTime(producedAt).TotalSeconds);
        if (errorCode is not null)
        {
            _errors.Add(1, new KeyValuePair<string, object?>("error.type", errorCode));
        }
    }

    internal void ProduceFailed(string errorType) => _errors.Add(1, new KeyValuePair<string, object?>("error.type", errorType));

    internal void Chunked() => _chunkedMessages.Add(1);

    internal void ProducerRebuilt() => _rebuilds.Add(1);

    internal void Waited(TimeSpan duration)
    {
        _backpressureWaits.Add(1);
        _backpressureDuration.Record(duration.TotalSeconds);
    }

    /// <summary>librdkafka's statistics JSON (https://github.com/confluentinc/librdkafka/blob/master/STATISTICS.md): msg_cnt and brokers.*.rtt.avg (microseconds).</summary>
    /// <summary>Takes librdkafka's statistics; true when they show a connection to a broker that is up.</summary>
    internal bool OnStatistics(string json)
    {
        var brokerUp = false;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.TryGetProperty("msg_cnt", out var queued))
            {
                Volatile.Write(ref _queuedMessages, queued.GetInt64());
            }

            if (root.TryGetProperty("brokers", out var brokers))
            {
                var sum = 0.0;
                var count = 0;
                foreach (var broker in brokers.EnumerateObject())
                {
                    // Real brokers have a node id; the bootstrap entries (-1) say nothing about the cluster.
                    brokerUp |= broker.Value.TryGetProperty("nodeid", out var node) && node.GetInt32() >= 0
                        && broker.Value.TryGetProperty("state", out var state) && state.ValueEquals("UP");
                    if (broker.Value.TryGetProperty("rtt", out var rtt) && rtt.TryGetProperty("avg", out var average) && average.GetInt64() > 0)
                    {
                        sum += average.GetInt64();
                        count++;
                    }
                }

                Volatile.Write(ref _brokerRoundTrip, count == 0 ? -1 : sum / count / 1_000_000);
            }
        }
        catch (JsonException)
        {
            // A statistics blob we cannot read changes nothing about delivery; the gauges keep their last values.
        }

        return brokerUp;
    }

    private IEnumerable<Measurement<long>> ObserveQueue()
    {
        var value = Volatile.Read(ref _queuedMessages);
        return value < 0 ? [] : [new Measurement<long>(value)];
    }

    private IEnumerable<Measurement<long>> ObserveMisconfigured() =>
        (_topics?.Invoke() ?? new Dictionary<string, TopicState>()).Select(pair => new Measurement<long>(
            pair.Value.IsUsable ? 0 : 1,
            new KeyValuePair<string, object?>("kafka.topic", pair.Key),
            new KeyValuePair<string, object?>("error.type", ProblemName(pair.Value.Problem))));

    private IEnumerable<Measurement<long>> ObserveRecordBytes() =>
        (_topics?.Invoke() ?? new Dictionary<string, TopicState>()).Select(pair => new Measurement<long>(
            pair.Value.RecordBytes, new KeyValuePair<string, object?>("kafka.topic", pair.Key)));

    internal static string ProblemName(TopicProblem problem) => problem switch
    {
        TopicProblem.Missing => "unknown_topic",
        TopicProblem.Refused => "topic_authorization_failed",
        TopicProblem.LimitTooSmall => "max_message_bytes_too_small",
        _ => "none",
    };

    private IEnumerable<Measurement<double>> ObserveRoundTrip()
    {
        var value = Volatile.Read(ref _brokerRoundTrip);
        return value < 0 ? [] : [new Measurement<double>(value)];
    }

    private sealed class StandaloneMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
