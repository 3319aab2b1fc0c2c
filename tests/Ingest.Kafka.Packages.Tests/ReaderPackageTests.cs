using Confluent.Kafka;
using Ingest.Kafka.Consumer;
using Xunit.Abstractions;

namespace Ingest.Kafka.Packages.Tests;

/// <summary>
/// The packaged KafkaMessageReader against a broker: kfake or any broker named by
/// KAFKA_BOOTSTRAP_SERVERS (as .ci/packages runs it), else librdkafka's mock cluster.
/// </summary>
public sealed class ReaderPackageTests(KafkaTarget kafka, ITestOutputHelper output) : IClassFixture<KafkaTarget>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ReaderReturnsWholeVerifiedMessagesAndCommitsOnlyWhatWasHandled()
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync(partitions: 1);
        var whole = DocumentedRecords.Value(2000, 1);
        var chunked = DocumentedRecords.Value(50_000, 2);
        var (wholeId, chunkedId, abortedId) = (DocumentedRecords.Id(), DocumentedRecords.Id(), DocumentedRecords.Id());
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, EnableIdempotence = true }).Build())
        {
            await producer.ProduceAsync(topic, DocumentedRecords.Whole(wholeId, whole));
            foreach (var record in DocumentedRecords.Chunked(abortedId, DocumentedRecords.Value(9000, 3), 4000)[..2])
            {
                await producer.ProduceAsync(topic, record);
            }

            await producer.ProduceAsync(topic, DocumentedRecords.Abort(abortedId, 2));
            foreach (var record in DocumentedRecords.Chunked(chunkedId, chunked, 16_000))
            {
                await producer.ProduceAsync(topic, record);
            }

            // Not the gateway's: no ingest-version header. Skipped, counted.
            await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = [1], Value = [2] });
        }

        var group = "packages-test-" + Guid.NewGuid().ToString("N");
        var options = new KafkaReaderOptions { BootstrapServers = kafka.BootstrapServers, Topic = topic, GroupId = group, FromBeginning = true };
        using (var reader = KafkaMessageReader.Open(options))
        {
            using var timeout = new CancellationTokenSource(Bound);
            var first = reader.Read(Timeout.InfiniteTimeSpan, timeout.Token)!;
            var second = reader.Read(Timeout.InfiniteTimeSpan, timeout.Token)!;
            Assert.Equal(wholeId, first.Envelope.MessageId);
            Assert.Equal(whole, first.Value);
            Assert.Equal(chunkedId, second.Envelope.MessageId);
            Assert.Equal(chunked, second.Value);
            Assert.Equal((4L, 7L), (second.FirstOffset, second.LastOffset));
            Assert.Equal(1, reader.Counters.Aborted);
            reader.MarkHandled(first);
        }

        // Dispose committed the handled message only: the group resumes right after the whole record.
        Assert.Equal(1, Committed(group, topic));

        using (var reader = KafkaMessageReader.Open(new KafkaReaderOptions { BootstrapServers = kafka.BootstrapServers, Topic = topic, GroupId = group }))
        {
            using var timeout = new CancellationTokenSource(Bound);
            var again = reader.Read(Timeout.InfiniteTimeSpan, timeout.Token)!;
            Assert.Equal(chunkedId, again.Envelope.MessageId);
            reader.MarkHandled(again);
            // The foreign record after it is read and skipped before the reader gives up waiting.
            Assert.Null(reader.Read(TimeSpan.FromSeconds(2), timeout.Token));
            Assert.Equal(1, reader.Counters.Foreign);
        }

        // Up to the last handled message; the foreign record after it is read again next time, and skipped again.
        Assert.Equal(8, Committed(group, topic));
    }

    private long Committed(string group, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = group }).Build();
        return consumer.Committed([new TopicPartition(topic, 0)], Bound).Single().Offset.Value;
    }
}
