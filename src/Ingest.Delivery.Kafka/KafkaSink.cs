using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// Streams each message into Kafka while it arrives (docs/record-format.md): small messages as one
/// record, larger ones as chunk records produced as their bytes come in and a final record that
/// closes them. The writer's <see cref="IMessageWriter.CompleteAsync"/> returns Accepted only once
/// every record is acknowledged on every topic the message goes to (docs/delivery-guarantees.md).
/// </summary>
public sealed class KafkaSink : IMessageSink, IAsyncDisposable
{
    /// <summary>Room for the fields that are not the envelope (version, kind, sequence, chunks, length, hash).</summary>
    internal const int FixedHeaderBytes = 512;

    /// <summary>What librdkafka adds per record for the two headers (names and varints), generously.</summary>
    internal const int HeaderOverheadBytes = 64;

    /// <summary>Chunks smaller than this would mean an envelope too large for the configured record size.</summary>
    internal const int MinChunkBytes = 16 * 1024;

    private readonly KafkaProducerHandle _handle;
    private readonly TopicRouter _router;
    private int _disposed;

    public KafkaSink(KafkaOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null, KafkaMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Options = options;
        Logger = loggerFactory.CreateLogger<KafkaSink>();
        Time = timeProvider ?? TimeProvider.System;
        Gateway = InstanceNameOf(options);
        Budget = new ByteBudget(options.MaxInFlightBytes);
        Metrics = metrics ?? KafkaMetrics.Standalone();
        Metrics.WatchInFlightBytes(() => InFlightBytes);
        _router = new TopicRouter(options);
        Buffers = new BufferPool();
        // The backstop waits a little longer than librdkafka's own message timeout, so its verdict comes first.
        var grace = options.DeliveryTimeout / 10 < TimeSpan.FromSeconds(5) ? options.DeliveryTimeout / 10 : TimeSpan.FromSeconds(5);
        Deadlines = new DeliveryDeadlines(options.DeliveryTimeout + grace, Time);
        _handle = new KafkaProducerHandle(options, loggerFactory.CreateLogger<KafkaProducerHandle>(), Budget, Time, Metrics);
        Topics = new TopicWatch(options, loggerFactory.CreateLogger<TopicWatch>(), Metrics);
        Topics.Changed += () => _handle.FitBatches(Topics.BatchBytes);
    }

    /// <summary>The routed topics under watch (existence, authorisation, max.message.bytes).</summary>
    public TopicWatch Topics { get; }

    /// <summary>
    /// The start-up check of the routed topics (<see cref="TopicWatch.CheckAsync"/>), then the watch.
    /// Returns the errors that must stop start-up, each naming its configuration keys.
    /// </summary>
    public async Task<IReadOnlyList<string>> StartAsync()
    {
        var errors = await Topics.CheckAsync(Options.TopicCheckTimeout);
        if (errors.Count == 0)
        {
            Topics.Start();
        }

        return errors;
    }

    public KafkaHealth Health => _handle.Health;

    /// <summary>Raised after <see cref="Health"/> changes (see <see cref="KafkaProducerHandle.HealthChanged"/>).</summary>
    public event Action<KafkaHealth>? HealthChanged
    {
        add => _handle.HealthChanged += value;
        remove => _handle.HealthChanged -= value;
    }

    /// <summary>Bytes handed to the producer and not yet acknowledged.</summary>
    public long InFlightBytes => Budget.Capacity - Budget.Available;

    internal KafkaOptions Options { get; }

    internal KafkaMetrics Metrics { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time { get; }

    internal string Gateway { get; }

    internal ByteBudget Budget { get; }

    internal BufferPool Buffers { get; }

    internal DeliveryDeadlines Deadlines { get; }

    internal KafkaProducerHandle Handle => _handle;

    internal static string InstanceNameOf(KafkaOptions options) =>
        string.IsNullOrWhiteSpace(options.InstanceName) ? Environment.MachineName : options.InstanceName;

    public ValueTask<IMessageWriter> BeginAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (_handle.Health == KafkaHealth.Failed)
        {
            // Between a fatal error and the rebuilt producer: the sender retries later.
            return Failed(envelope, DeliveryResult.Temporary("Kafka producer failed fatally; a new one is being built"));
        }

        var routes = _router.Route(envelope.Recipients);
        var envelopes = new byte[routes.Count][];
        var largestEnvelope = 0;
        var recordBytes = Options.MaxRecordBytes;
        for (var i = 0; i < routes.Count; i++)
        {
            var topic = Topics.StateOf(routes[i].Topic);
            if (!topic.IsUsable)
            {
                // A configuration error on the Kafka side: answered at once rather than after the
                // delivery deadline, and only for messages routed there (docs/delivery-guarantees.md).
                var reason = TopicWatch.Describe(topic);
                KafkaLog.RouteRefused(Logger, envelope.MessageId, routes[i].Topic, reason);
                return ValueTask.FromResult<IMessageWriter>(new FailedMessageWriter(DeliveryResult.Misconfigured($"topic {routes[i].Topic}: {reason}")));
            }

            // Records follow the smallest limit among the message's topics, since every topic gets the same records.
            recordBytes = Math.Min(recordBytes, topic.RecordBytes);
            envelopes[i] = EnvelopeFields.Build(envelope, routes[i].Recipients, Gateway, routes[i].Positions);
            largestEnvelope = Math.Max(largestEnvelope, envelopes[i].Length);
        }

        var key = Encoding.ASCII.GetBytes(envelope.MessageId);
        // Every record has the same value capacity, sized for the first, which also carries the envelope.
        // Room is kept for the authentication verdicts, which the closing record may carry (in its value or fields).
        var capacity = recordBytes - key.Length - largestEnvelope - FixedHeaderBytes - HeaderOverheadBytes - AuthenticationVerdicts.MaxBytes;
        if (capacity < MinChunkBytes)
        {
            // Retrying the same envelope cannot help.
            return Failed(envelope, DeliveryResult.Permanent($"envelope of {largestEnvelope} bytes does not fit records of {recordBytes} bytes (Ingest:Kafka:MaxRecordBytes, topic limits)"));
        }

        if (capacity >= BufferPool.ChunkQuantum)
        {
            // One capacity for nearly every message, so chunk buffers can be reused (BufferPool).
            capacity -= capacity % BufferPool.ChunkQuantum;
        }

        return ValueTask.FromResult<IMessageWriter>(new KafkaWriter(this, envelope, key, routes, envelopes, capacity));
    }

    private ValueTask<IMessageWriter> Failed(MessageEnvelope envelope, DeliveryResult result)
    {
        KafkaLog.MessageFailed(Logger, envelope.MessageId, result.Detail ?? "");
        return ValueTask.FromResult<IMessageWriter>(new FailedMessageWriter(result));
    }

    public ValueTask DisposeAsync()
    {
        // The container may hold this instance twice (as itself and as the IMessageSink): dispose once.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Topics.Dispose();
            _handle.Dispose();
            Deadlines.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
