using Confluent.Kafka;
using Ingest.Kafka.Records;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// A 30 MB message end to end (issue 3). librdkafka's mock cluster keeps only the newest 5 MiB of a
/// partition, so the records are read while they are produced, as a live consumer reads them; on a
/// real broker (KAFKA_BOOTSTRAP_SERVERS) the same test reads a retained topic.
/// </summary>
public sealed class LargeMessageTests(KafkaTarget kafka, ITestOutputHelper output) : IClassFixture<KafkaTarget>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ThirtyMegabyteMessageArrivesWholeThroughChunks(bool useData)
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync(partitions: 1);
        // One unacknowledged chunk at a time keeps the producer within reach of a live consumer.
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic, "Ingest:Kafka:MaxChunksInFlightPerMessage=1");

        // A small message first: once the consumer has read it, it is fetching live.
        var warmUp = await Mail.SendAsync(gateway, Mail.Message(512), useData: true);
        var live = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(() => ReadLive(topic, warmUp, live));
        await live.Task.WaitAsync(Bound);

        var message = Mail.Message(30 * 1024 * 1024);
        var id = await Mail.SendAsync(gateway, message, useData);
        var records = (await reading.WaitAsync(Bound)).Where(record => TopicReader.Id(record) == id).ToList();

        var reassembled = TopicReader.Reassemble(records, out var counters);
        if (reassembled.Count == 0)
        {
            output.WriteLine(TopicReader.Describe(records));
            output.WriteLine($"counters: incomplete {counters.Incomplete}, corrupt {counters.Corrupt}, aborted {counters.Aborted}, duplicates {counters.Duplicates}");
        }

        var delivered = Assert.Single(reassembled);
        EndToEndTests.AssertDelivered(delivered, id, Mail.WireBytes(message), ["alice@example.com"]);
        Assert.True(delivered.Records > 30, $"{delivered.Records} records for 30 MB");
        Assert.Equal(0, counters.Duplicates + counters.Corrupt + counters.Incomplete);
    }

    private List<ConsumedRecord> ReadLive(string topic, string warmUp, TaskCompletionSource live)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "ingest-test-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            MaxPartitionFetchBytes = 16 * 1024 * 1024,
            // Fetch again at once rather than after librdkafka's default 500 ms wait.
            FetchWaitMaxMs = 5,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<ConsumedRecord>();
        // A guard only: each record is awaited as it arrives, and the closing one ends the read.
        using var guard = new CancellationTokenSource(Bound);
        try
        {
            while (true)
            {
                var record = TopicReader.ToRecord(consumer.Consume(guard.Token));
                if (TopicReader.Id(record) == warmUp)
                {
                    live.TrySetResult();
                    continue;
                }

                records.Add(record);
                if (TopicReader.Kind(record) is "final" or "whole")
                {
                    consumer.Close();
                    return records;
                }
            }
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
        }

        live.TrySetException(new TimeoutException($"no closing record on {topic} within {Bound}"));
        throw new TimeoutException($"no closing record on {topic} within {Bound}; {records.Count} records read");
    }
}
