namespace Ingest.Delivery.Kafka;

/// <summary>What the sink knows of its way to Kafka, for a readiness endpoint.</summary>
public enum KafkaHealth
{
    /// <summary>No record has been acknowledged yet (by this producer instance), and no broker has been reported down.</summary>
    Starting,

    /// <summary>The last news was an acknowledged record.</summary>
    Healthy,

    /// <summary>The last news was brokers down or a failed delivery: messages get 451 until it passes.</summary>
    Unavailable,

    /// <summary>
    /// The producer hit a fatal error (idempotence state lost): messages get 451 until a new producer
    /// instance is built, at once the first time, then after a pause that grows while failures repeat.
    /// </summary>
    Failed,
}
