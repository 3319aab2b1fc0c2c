using Confluent.Kafka;
using Ingest.Kafka.Consumer;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Tests;

/// <summary>A real Confluent.Kafka consumer reading whole topics from the beginning, feeding a Reassembler.</summary>
internal static class TopicReader
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads records until <paramref name="done"/> says so. Each record is awaited as it arrives
    /// (Consume blocks until there is one); the minute is only a guard that fails a test whose
    /// record never comes, never a condition of success.
    /// </summary>
    public static List<ConsumedRecord> ReadUntil(string bootstrapServers, string topic, int partitions, Func<IReadOnlyList<ConsumedRecord>, bool> done)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "ingest-test-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            MaxPartitionFetchBytes = 16 * 1024 * 1024,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(partition => new TopicPartitionOffset(topic, partition, Offset.Beginning)));
        var records = new List<ConsumedRecord>();
        using var guard = new CancellationTokenSource(Bound);
        try
        {
            while (!done(records))
            {
                records.Add(ToRecord(consumer.Consume(guard.Token)));
            }
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            Assert.Fail($"the awaited records of {topic} did not arrive within {Bound}; {records.Count} read:\n{Describe(records)}");
        }

        consumer.Close();
        return records;
    }

    /// <summary>The same conversion the gateway's own reader uses.</summary>
    public static ConsumedRecord ToRecord(ConsumeResult<byte[], byte[]> result) => result.ToConsumedRecord();

    public static string? Id(ConsumedRecord record) => RecordMetadata.Read(record)?.MessageId;

    public static string? Kind(ConsumedRecord record) => RecordMetadata.Read(record)?.Field(RecordFields.Kind);

    /// <summary>True once the records hold a whole or final record for every one of <paramref name="ids"/>.</summary>
    public static bool Closed(IReadOnlyList<ConsumedRecord> records, params string[] ids) =>
        ids.All(id => records.Any(record => Id(record) == id && Kind(record) is "whole" or "final"));

    /// <summary>One line per record, for the test output when something does not add up.</summary>
    public static string Describe(IEnumerable<ConsumedRecord> records) => string.Join(
        "\n",
        records.Select(record => $"{record.Partition}@{record.Offset} {Id(record)} {Kind(record)} seq={RecordMetadata.Read(record)?.Sequence} value={record.Value.Length}"));

    public static List<ReassembledMessage> Reassemble(IEnumerable<ConsumedRecord> records, out ReassemblerCounters counters)
    {
        using var reassembler = new Reassembler();
        var messages = reassembler.Reassemble(records).ToList();
        counters = reassembler.Counters;
        return messages;
    }
}
