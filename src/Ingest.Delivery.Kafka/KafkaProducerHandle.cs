using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// The one long-lived producer of the process (a producer per message would open connections per
/// message and lose batching). Building it does not contact a broker, so the gateway starts and
/// answers even while Kafka is down; disposing it flushes what is still queued.
/// </summary>
public sealed class KafkaProducerHandle : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly ILogger _logger;
    private readonly TimeSpan _flushTimeout;
    private int _health;

    public KafkaProducerHandle(KafkaOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        // Shutdown waits for sessions first, so what is left is mostly abort records: a short flush.
        _flushTimeout = options.DeliveryTimeout < TimeSpan.FromSeconds(10) ? options.DeliveryTimeout : TimeSpan.FromSeconds(10);
        _producer = new ProducerBuilder<byte[], byte[]>(Configuration(options))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => KafkaLog.Librdkafka(_logger, message.Facility, message.Message))
            .Build();
    }

    public IProducer<byte[], byte[]> Producer => _producer;

    public KafkaHealth Health => (KafkaHealth)Volatile.Read(ref _health);

    /// <summary>The librdkafka settings: our defaults, then the operator's Producer section over them.</summary>
    public static Dictionary<string, string> Configuration(KafkaOptions options)
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
            // The byte budget, not librdkafka's queue, decides when sessions wait.
            ["queue.buffering.max.messages"] = "1000000",
            ["queue.buffering.max.kbytes"] = Math.Clamp(options.MaxInFlightBytes * 2 / 1024, 1_048_576, int.MaxValue).ToString(CultureInfo.InvariantCulture),
            ["client.id"] = "ingest-" + KafkaSink.InstanceNameOf(options),
            // Delivery reports need only the outcome: do not copy every value back into .NET.
            [ConfigPropertyNames.Producer.DeliveryReportFields] = "status",
        };
        foreach (var (key, value) in options.Producer)
        {
            config[key] = value;
        }

        config["bootstrap.servers"] = options.BootstrapServers;
        return config;
    }

    internal void ReportDelivered()
    {
        if (Health != KafkaHealth.Failed)
        {
            Volatile.Write(ref _health, (int)KafkaHealth.Healthy);
        }
    }

    internal void ReportUnavailable()
    {
        if (Health != KafkaHealth.Failed)
        {
            Volatile.Write(ref _health, (int)KafkaHealth.Unavailable);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            Volatile.Write(ref _health, (int)KafkaHealth.Failed);
            KafkaLog.ProducerFatal(_logger, error.Code.ToString(), error.Reason);
            return;
        }

        if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve or ErrorCode.Local_Authentication)
        {
            ReportUnavailable();
        }

        KafkaLog.ProducerError(_logger, error.Code.ToString(), error.Reason);
    }

    public void Dispose()
    {
        var left = _producer.Flush(_flushTimeout);
        if (left > 0)
        {
            KafkaLog.FlushIncomplete(_logger, left);
        }

        _producer.Dispose();
    }
}
