namespace Ingest.Delivery.Kafka;

/// <summary>Bound from configuration section Ingest:Kafka. The Kafka sink is used when <see cref="BootstrapServers"/> is set.</summary>
public sealed class KafkaOptions
{
    public const string Section = "Ingest:Kafka";

    /// <summary>librdkafka's bootstrap.servers: host:port[,host:port...].</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>Where recipients whose domain is not in <see cref="TopicsByDomain"/> go.</summary>
    public string DefaultTopic { get; set; } = "ingest-mail";

    /// <summary>Recipient domain (case-insensitive, exact) to topic.</summary>
    public Dictionary<string, string> TopicsByDomain { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Largest record (key, value and headers) produced. Bodies past it are chunked. The default stays
    /// under both librdkafka's message.max.bytes (1,000,000) and the broker's default (1,048,588).
    /// </summary>
    public int MaxRecordBytes { get; set; } = 999_000;

    /// <summary>
    /// How long a message may wait for its acknowledgements, and a write for the in-flight budget,
    /// before the client gets 451. Well inside the client's 10-minute wait for the reply to the end
    /// of data (RFC 5321 4.5.3.2.6) and its 3-minute wait per data block (4.5.3.2.5).
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Bytes handed to the producer and not yet acknowledged, across all sessions.</summary>
    public long MaxInFlightBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Chunk records of one message handed to the producer and not yet acknowledged. A session whose
    /// message has this many waits (and stops reading its socket), so one connection holds a few
    /// chunks of memory whatever the message size and the process-wide budget.
    /// </summary>
    public int MaxChunksInFlightPerMessage { get; set; } = 4;

    /// <summary>
    /// How often the routed topics are looked at again (existence, authorisation, max.message.bytes),
    /// so a topic created, deleted or reconfigured while the gateway runs is noticed without a restart.
    /// </summary>
    public TimeSpan TopicRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long start-up waits for the brokers to describe the routed topics. When they do not answer
    /// in time the gateway starts anyway (Kafka may be down) and the watch checks later.
    /// </summary>
    public TimeSpan TopicCheckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This gateway's name in every record (ingest-gateway). Empty: the machine name.</summary>
    public string InstanceName { get; set; } = "";

    /// <summary>librdkafka producer settings, passed through as given (Ingest:Kafka:Producer:linger.ms=10).</summary>
    public Dictionary<string, string> Producer { get; set; } = new(StringComparer.Ordinal);
}
