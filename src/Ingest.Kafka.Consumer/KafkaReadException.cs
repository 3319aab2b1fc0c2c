namespace Ingest.Kafka.Consumer;

/// <summary>The reader cannot go on: the topic is missing, the cluster unreachable at start-up, or the consumer failed.</summary>
public sealed class KafkaReadException : Exception
{
    public KafkaReadException()
    {
    }

    public KafkaReadException(string message)
        : base(message)
    {
    }

    public KafkaReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
