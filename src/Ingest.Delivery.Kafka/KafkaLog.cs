using Microsoft.Extensions.Logging;

namespace Ingest.Delivery.Kafka;

/// <summary>The Kafka sink's log messages, in one place (STYLE.md rule 10). No addresses: ids only.</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(100, LogLevel.Warning, "Kafka producer error {Code}: {Reason}")]
    public static partial void ProducerError(ILogger logger, string code, string reason);

    [LoggerMessage(101, LogLevel.Error, "Kafka producer {Generation} fatal error {Code}: {Reason}; its messages get 451 and a new producer is built")]
    public static partial void ProducerFatal(ILogger logger, int generation, string code, string reason);

    [LoggerMessage(102, LogLevel.Warning, "Message {MessageId} not delivered to topic {Topic}: {Reason}")]
    public static partial void DeliveryFailed(ILogger logger, string messageId, string topic, string reason);

    [LoggerMessage(103, LogLevel.Information, "Message {MessageId} aborted after {Records} records; abort record produced")]
    public static partial void Aborted(ILogger logger, string messageId, int records);

    [LoggerMessage(104, LogLevel.Warning, "Message {MessageId}: {Reason}")]
    public static partial void MessageFailed(ILogger logger, string messageId, string reason);

    [LoggerMessage(105, LogLevel.Debug, "librdkafka {Facility}: {Message}")]
    public static partial void Librdkafka(ILogger logger, string facility, string message);

    [LoggerMessage(107, LogLevel.Warning, "Kafka producer {Generation} built to replace the one that failed fatally")]
    public static partial void ProducerRebuilt(ILogger logger, int generation);

    [LoggerMessage(108, LogLevel.Error, "Kafka topic {Topic} ({Keys}) is misconfigured: {Reason}; messages routed to it get 451 4.3.5 until it is fixed")]
    public static partial void TopicMisconfigured(ILogger logger, string topic, string keys, string reason);

    [LoggerMessage(109, LogLevel.Information, "Kafka topic {Topic} ({Keys}) is usable again")]
    public static partial void TopicUsable(ILogger logger, string topic, string keys);

    [LoggerMessage(110, LogLevel.Warning, "Kafka topic check failed {Code}: {Reason}")]
    public static partial void TopicCheckFailed(ILogger logger, string code, string reason);

    [LoggerMessage(111, LogLevel.Information, "Kafka topic {Topic} takes batches of at most {MaxMessageBytes} bytes: records to it are at most {RecordBytes} bytes")]
    public static partial void TopicLimit(ILogger logger, string topic, int maxMessageBytes, int recordBytes);

    [LoggerMessage(112, LogLevel.Debug, "Message {MessageId} refused: topic {Topic} is misconfigured ({Reason})")]
    public static partial void RouteRefused(ILogger logger, string messageId, string topic, string reason);

    [LoggerMessage(113, LogLevel.Information, "Kafka producer {Generation} built with batch.size {BatchBytes} to fit the smallest topic limit")]
    public static partial void ProducerResized(ILogger logger, int generation, int batchBytes);

    [LoggerMessage(106, LogLevel.Warning, "Kafka producer flush at shutdown left {Records} records unacknowledged")]
    public static partial void FlushIncomplete(ILogger logger, int records);
}
