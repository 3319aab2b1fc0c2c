using Ingest.Kafka.Consumer;
using Ingest.Kafka.Records;

namespace Ingest.LoadTest;

/// <summary>
/// Reads a whole topic with the project's own consumer library (KafkaMessageReader, hence the
/// Reassembler), from the oldest record until no record has arrived for a while, under a consumer
/// group of its own that commits nothing.
/// </summary>
internal static class KafkaTopicScan
{
    public static (List<FoundCopy> Copies, KafkaReadCounters Counters) Read(string bootstrap, string topic, TimeSpan idle, CancellationToken cancellationToken)
    {
        var options = new KafkaReaderOptions
        {
            BootstrapServers = bootstrap,
            Topic = topic,
            GroupId = "ingest-loadtest-verify-" + Guid.NewGuid().ToString("N"),
            FromBeginning = true,
            MetadataTimeout = TimeSpan.FromSeconds(30),
        };
        var copies = new List<FoundCopy>();
        using var reader = KafkaMessageReader.Open(options);
        while (reader.Read(idle, cancellationToken) is { } message)
        {
            copies.Add(FoundCopy.From(message));
        }

        return (copies, KafkaReadCounters.From(reader.Counters));
    }
}
