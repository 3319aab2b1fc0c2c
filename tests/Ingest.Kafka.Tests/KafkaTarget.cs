using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Ingest.Kafka.Tests;

/// <summary>
/// Where the end-to-end tests produce and consume: a real broker when KAFKA_BOOTSTRAP_SERVERS is
/// set, else librdkafka's mock cluster on loopback. Each test makes its own topics, so tests sharing
/// a target do not see each other's records.
/// </summary>
public sealed class KafkaTarget : IDisposable
{
    private readonly MockCluster? _mock;

    public KafkaTarget()
    {
        var real = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS");
        if (!string.IsNullOrWhiteSpace(real))
        {
            BootstrapServers = real;
        }
        else
        {
            _mock = new MockCluster();
            BootstrapServers = _mock.BootstrapServers;
        }
    }

    public string BootstrapServers { get; }

    public bool IsRealBroker => _mock is null;

    public string Description => IsRealBroker
        ? $"Kafka: real broker at {BootstrapServers} (KAFKA_BOOTSTRAP_SERVERS)"
        : $"Kafka: librdkafka mock cluster at {BootstrapServers} (from {LibRdKafka.LoadedFile}; librdkafka files loaded: {LibRdKafka.MappedFiles()})";

    public async Task<string> CreateTopicAsync(int partitions = 3)
    {
        var topic = "ingest-test-" + Guid.NewGuid().ToString("N")[..16];
        if (_mock is not null)
        {
            _mock.CreateTopic(topic, partitions);
            return topic;
        }

        await CreateTopicAsync(BootstrapServers, topic, partitions);
        return topic;
    }

    /// <summary>Creates a topic on a real broker, with the broker's default replication.</summary>
    public static async Task CreateTopicAsync(string bootstrapServers, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 }]);
    }

    public void Dispose() => _mock?.Dispose();
}
