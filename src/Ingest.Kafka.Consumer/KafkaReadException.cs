namespace Ingest.Kafka.Consumer;

/// <summary>The reader cannot go on: the topic is missing, the cluster unreachable at start-up, or the consumer failed.</summary>
public sealed class KafkaReadException : Exception
{
    /// <summary>A read failure with no message.</summary>
    public KafkaReadException()
    {
    }

    /// <summary>A read failure, described.</summary>
    /// <param name="message">What failed, for the operator.</param>
    public KafkaReadException(string message)
        : base(message)
    {
    }

    /// <summary>A read failure, described, with the Confluent.Kafka exception behind it.</summary>
    /// <param name="message">What failed, for the operator.</param>
    /// <param name="innerException">The client's exception.</param>
    public KafkaReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
