using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// The one long-lived producer of the process (a producer per message would open connections per
/// message and lose batching). Building it does not contact a broker, so the gateway starts and
/// answers even while Kafka is down; disposing it flushes what is still queued.
/// <para>
/// A fatal error (librdkafka's rd_kafka_fatal_error: an idempotent producer that can no longer
/// guarantee order or no duplicates, e.g. a lost sequence or ERR__GAPLESS_GUARANTEE) leaves that
/// producer instance unusable for good; the librdkafka documentation's remedy is a new instance.
/// So the handle retires the failed <see cref="ProducerGeneration"/> (every message still waiting
/// on it gets 451 at once, and its sender retries) and builds the next one, with a growing pause
/// between rebuilds so a cause that persists (an ACL, say) does not spin.
/// </para>
/// </summary>
public sealed class KafkaProducerHandle : IDisposable
{
    private static readonly TimeSpan FirstRebuildPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRebuildPause = TimeSpan.FromMinutes(1);

    private readonly KafkaOptions _options;
    private readonly ILogger _logger;
    private readonly ByteBudget _budget;
    private readonly TimeProvider _time;
    private readonly KafkaMetrics _metrics;
    private readonly TimeSpan _flushTimeout;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private ProducerGeneration _current;
    private Task _rebuild = Task.CompletedTask;
    private Task _resized = Task.CompletedTask;
    private int _batchBytes = TopicLimits.DefaultBatchBytes;
    private TimeSpan _nextPause = TimeSpan.Zero;
    private int _health;
    private bool _disposed;

    internal KafkaProducerHandle(KafkaOptions options, ILogger logger, ByteBudget budget, TimeProvider time, KafkaMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _options = options;
        _logger = logger;
        _budget = budget;
        _time = time;
        // Shutdown waits for sessions first, so what is left is mostly abort records: a short flush.
        _flushTimeout = options.DeliveryTimeout < TimeSpan.FromSeconds(10) ? options.DeliveryTimeout : TimeSpan.FromSeconds(10);
        _current = Build(1);
    }

    /// <summary>The producer new messages use.</summary>
    public IProducer<byte[], byte[]> Producer => Current.Producer;

    public KafkaHealth Health => (KafkaHealth)Volatile.Read(ref _health);

    /// <summary>
    /// Raised after <see cref="Health"/> changes, with the new value, on the thread that changed it
    /// (often a librdkafka callback thread): handlers must be short and must not throw.
    /// </summary>
    public event Action<KafkaHealth>? HealthChanged;

    /// <summary>How many producer instances this handle has built (1 until a fatal error).</summary>
    public int Generation => Current.Number;

    internal ProducerGeneration Current => Volatile.Read(ref _current);

    /// <summary>The librdkafka settings: our defaults, then the operator's Producer section over them.</summary>
    public static Dictionary<string, string> Configuration(KafkaOptions options) => Configuration(options, TopicLimits.DefaultBatchBytes);

    /// <summary>The settings for a producer whose batches must stay under <paramref name="batchBytes"/> (the smallest topic limit: <see cref="TopicLimits.BatchBytes"/>).</summary>
    public static Dictionary<string, string> Configuration(KafkaOptions options, int batchBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timeoutMs = ((long)options.DeliveryTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Durable before 250: every in-sync replica has the record, and retries cannot reorder or duplicate it.
            ["enable.idempotence"] = "true",
            ["acks"] = "all",
            // librdkafka gives up on a record when we do, so a record we answered 451 for is not
            // delivered long afterwards (which would be a duplicate once the client retries).
            ["message.timeout.ms"] = timeoutMs,
            ["message.max.bytes"] = Math.Max(1_000_000, options.MaxRecordBytes + 1_000).ToString(CultureInfo.InvariantCulture),
            // Every session waits for its record's acknowledgement before its 250, so the time a record
            // waits for company in a batch is latency every message pays; librdkafka's default of 5 ms
            // capped 20 sessions at about 3,300 messages/s. With 0, records still batch while earlier
            // requests are in flight (up to 5 with idempotence). Measured against kfake, 20 sessions:
            // 0 ms gave an end-of-data-to-250 p50/p99 of 1.4/8.2 ms, 1 ms 2.2/10.8, 2 ms 3.4/15.4,
            // 5 ms 6.6/19.1, at the same CPU per message. Trade-off for real clusters:
            // docs/performance.md (issue 12).
            ["linger.ms"] = "0",
            // Small produce requests must not wait for the ACK of the previous one (the Java client sets
            // TCP_NODELAY on every broker connection; librdkafka leaves Nagle on unless told).
            ["socket.nagle.disable"] = "true",
            // The byte budget, not librdkafka's queue, decides when sessions wait.
            ["queue.buffering.max.messages"] = "1000000",
            ["queue.buffering.max.kbytes"] = Math.Clamp(options.MaxInFlightBytes * 2 / 1024, 1_048_576, int.MaxValue).ToString(CultureInfo.InvariantCulture),
            ["client.id"] = "ingest-" + KafkaSink.InstanceNameOf(options),
            // Delivery reports need only the outcome: do not copy every value back into .NET.
            [ConfigPropertyNames.Producer.DeliveryReportFields] = "status",
            // librdkafka's statistics feed the queue-depth and broker round-trip gauges.
            ["statistics.interval.ms"] = "10000",
        };
        foreach (var (key, value) in options.Producer)
        {
            config[key] = value;
        }

        if (batchBytes < TopicLimits.DefaultBatchBytes)
        {
            // The broker refuses a batch over the topic's max.message.bytes as a whole, and librdkafka
            // does not split it: batches stay under the smallest routed topic's limit (the operator's
            // own batch.size, when smaller, still wins).
            config["batch.size"] = (config.TryGetValue("batch.size", out var own) && int.TryParse(own, CultureInfo.InvariantCulture, out var bytes) && bytes < batchBytes
                ? bytes : batchBytes).ToString(CultureInfo.InvariantCulture);
        }

        config["bootstrap.servers"] = options.BootstrapServers;
        return config;
    }

    internal void ReportDelivered(ProducerGeneration generation)
    {
        if (generation == Current && Health is not (KafkaHealth.Failed or KafkaHealth.Healthy))
        {
            SetHealth(KafkaHealth.Healthy);
            lock (_lock)
            {
                // This producer works: the next fatal error is rebuilt at once again.
                _nextPause = TimeSpan.Zero;
            }
        }
    }

    /// <summary>
    /// librdkafka is connected to a broker again. Without this, only an acknowledged record ended
    /// Unavailable; but a gateway that is not ready gets no traffic from its load balancer, so with
    /// every instance out after a broker outage none would come back (docs/reliability.md).
    /// </summary>
    internal void ReportReachable(ProducerGeneration generation)
    {
        if (generation == Current && Health == KafkaHealth.Unavailable)
        {
            SetHealth(KafkaHealth.Healthy);
        }
    }

    internal void ReportUnavailable(ProducerGeneration generation)
    {
        if (generation == Current && Health != KafkaHealth.Failed)
        {
            SetHealth(KafkaHealth.Unavailable);
        }
    }

    private void SetHealth(KafkaHealth health)
    {
        if ((KafkaHealth)Interlocked.Exchange(ref _health, (int)health) != health)
        {
            HealthChanged?.Invoke(health);
        }
    }

    /// <summary>librdkafka's error callback for <paramref name="generation"/>; runs on that producer's poll thread.</summary>
    internal void OnError(ProducerGeneration generation, Error error)
    {
        if (error.IsFatal)
        {
            KafkaLog.ProducerFatal(_logger, generation.Number, error.Code.ToString(), error.Reason);
            Replace(generation);
            return;
        }

        if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve or ErrorCode.Local_Authentication)
        {
            ReportUnavailable(generation);
        }

        KafkaLog.ProducerError(_logger, error.Code.ToString(), error.Reason);
    }

    /// <summary>Retires <paramref name="failed"/> now and builds its successor in the background (never on the poll thread, which disposing the old producer joins).</summary>
    private void Replace(ProducerGeneration failed)
    {
        if (!failed.TryBeginRetire())
        {
            return;
        }

        lock (_lock)
        {
            if (_disposed || failed != _current)
            {
                return;
            }

            SetHealth(KafkaHealth.Failed);
            // Messages waiting on the failed producer are answered 451 now rather than at their deadline.
            failed.Retire();
            _rebuild = Task.Run(() => RebuildAsync(failed));
        }
    }

    /// <summary>The pause before this rebuild: none the first time, then doubling while fatal errors repeat. Under the lock.</summary>
    private TimeSpan NextPause()
    {
        var pause = _nextPause;
        _nextPause = pause == TimeSpan.Zero ? FirstRebuildPause : TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestRebuildPause.Ticks));
        return pause;
    }

    private async Task RebuildAsync(ProducerGeneration failed)
    {
        // The old instance is of no further use: no flush (its idempotence state is what failed).
        // Disposing it also gives back the budget of records it will never report on.
        failed.DisposeProducer();
        TimeSpan pause;
        lock (_lock)
        {
            pause = NextPause();
        }

        try
        {
            while (true)
            {
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, _time, _stopping.Token);
                }

                lock (_lock)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    try
                    {
                        var next = Build(failed.Number + 1);
                        Volatile.Write(ref _current, next);
                        SetHealth(KafkaHealth.Starting);
                        KafkaLog.ProducerRebuilt(_logger, next.Number);
                        _metrics.ProducerRebuilt();
                        return;
                    }
                    catch (KafkaException exception)
                    {
                        // The same settings built a producer before, so this is not expected: say why, try again later.
                        KafkaLog.ProducerError(_logger, exception.Error.Code.ToString(), "building a new producer failed: " + exception.Message);
                        pause = NextPause();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down during the pause: nothing to rebuild.
        }
    }

    /// <summary>
    /// Makes batches fit <paramref name="batchBytes"/> (a routed topic's limit, smaller than what the
    /// current producer was built for): a new producer instance takes new messages at once, and the
    /// old one is flushed and closed in the background, so messages already on it finish there.
    /// </summary>
    internal void FitBatches(int batchBytes)
    {
        lock (_lock)
        {
            if (_disposed || batchBytes >= _batchBytes)
            {
                return;
            }

            _batchBytes = batchBytes;
            var old = _current;
            if (old.IsRetired)
            {
                // A rebuild after a fatal error is under way, and builds with the new size.
                return;
            }

            var next = Build(old.Number + 1);
            Volatile.Write(ref _current, next);
            KafkaLog.ProducerResized(_logger, next.Number, batchBytes);
            var previous = _resized;
            _resized = Task.Run(async () =>
            {
                await previous;
                // A fatal error on the old instance meanwhile changes nothing: it is no longer current,
                // so Replace leaves it to this task.
                old.Producer.Flush(_flushTimeout);
                old.Retire();
                old.DisposeProducer();
            });
        }
    }

    private ProducerGeneration Build(int number)
    {
        // The generation exists before its producer, so the producer's callbacks always know theirs.
        var generation = new ProducerGeneration(number, _budget);
        generation.Attach(new ProducerBuilder<byte[], byte[]>(Configuration(_options, _batchBytes))
            .SetErrorHandler((_, error) => OnError(generation, error))
            .SetLogHandler((_, message) => KafkaLog.Librdkafka(_logger, message.Facility, message.Message))
            .SetStatisticsHandler((_, json) =>
            {
                if (_metrics.OnStatistics(json))
                {
                    ReportReachable(generation);
                }
            })
            .Build());
        return generation;
    }

    public void Dispose()
    {
        Task rebuild;
        Task resized;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            rebuild = _rebuild;
            resized = _resized;
        }

        _stopping.Cancel();
        resized.GetAwaiter().GetResult();

        // A rebuild in progress finishes disposing the producer it replaces before we go.
        rebuild.GetAwaiter().GetResult();
        var current = Current;
        if (!current.IsRetired)
        {
            var left = current.Producer.Flush(_flushTimeout);
            if (left > 0)
            {
                KafkaLog.FlushIncomplete(_logger, left);
            }
        }

        current.Retire();
        current.DisposeProducer();
        _stopping.Dispose();
    }
}
