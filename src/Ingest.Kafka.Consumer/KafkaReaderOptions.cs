using Ingest.Kafka.Records;

namespace Ingest.Kafka.Consumer;

/// <summary>What a <see cref="KafkaMessageReader"/> reads, from where, and under which consumer group.</summary>
public sealed class KafkaReaderOptions
{
    /// <summary>librdkafka's bootstrap.servers: host:port[,host:port...].</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>The topic the gateway writes to (its default topic, or one of its per-domain topics).</summary>
    public required string Topic { get; init; }

    /// <summary>The consumer group whose committed offsets say where a reader resumes.</summary>
    public string GroupId { get; init; } = "ingest-reader";

    /// <summary>Start at the oldest record still in the topic instead of the group's committed offsets.</summary>
    public bool FromBeginning { get; init; }

    /// <summary>How long to wait for the cluster's answer about the topic at start-up.</summary>
    public TimeSpan MetadataTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bounds on what is held for messages whose records have not all arrived.</summary>
    public ReassemblerOptions Reassembler { get; init; } = new();

    /// <summary>librdkafka consumer settings passed through as given (security.protocol, sasl.*, ...).</summary>
    public IReadOnlyDictionary<string, string> Consumer { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
