namespace Ingest.Host;

public enum SinkKind
{
    /// <summary>Kafka when Ingest:Kafka:BootstrapServers is set, otherwise the Maildir.</summary>
    Auto,

    /// <summary>The embedded default: files in a local Maildir.</summary>
    Maildir,

    /// <summary>Accept and drop: for benchmarks only.</summary>
    Discard,

    /// <summary>Stream into Kafka topics (Ingest:Kafka).</summary>
    Kafka,
}
