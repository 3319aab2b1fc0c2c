using Ingest.Kafka.Records;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>Delivery metrics count exactly what a message produced (issue 4).</summary>
public sealed class KafkaMetricsTests(KafkaTarget kafka, ITestOutputHelper output) : IClassFixture<KafkaTarget>
{
    [Fact]
    public async Task ChunkedMessageIsCountedRecordByRecordAndNothingStaysInFlight()
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        var meter = gateway.Sink.Metrics.Meter;
        using var records = new MetricCollector<long>(meter, "kafka.producer.records");
        using var sent = new MetricCollector<long>(meter, "kafka.producer.sent");
        using var chunked = new MetricCollector<long>(meter, "kafka.producer.chunked_messages");
        using var durations = new MetricCollector<double>(meter, "kafka.producer.delivery.duration");
        using var errors = new MetricCollector<long>(meter, "kafka.producer.errors");
        using var inFlight = new MetricCollector<long>(meter, "kafka.producer.inflight.records");

        var small = await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
        var large = await Mail.SendAsync(gateway, Mail.Message(3 * 1024 * 1024), useData: false);

        // What the topic holds is what the metrics must have counted, record by record.
        var topicRecords = TopicReader.ReadUntil(kafka.BootstrapServers, topic, 3, read => TopicReader.Closed(read, small, large));
        output.WriteLine(TopicReader.Describe(topicRecords));
        long InTopic(string id, string kind) => topicRecords.Count(record => TopicReader.Id(record) == id && TopicReader.Kind(record) == kind);
        long Kind(string kind) => records.GetMeasurementSnapshot().Where(m => Equals(m.Tags["kafka.record.kind"], kind)).Sum(m => m.Value);
        Assert.Equal(1, InTopic(small, "whole"));
        Assert.Equal(0, InTopic(large, "whole"));
        Assert.Equal(1, InTopic(large, "final"));
        // Under a megabyte per record, so three or more chunks, all of which the final record counts.
        Assert.True(InTopic(large, "chunk") >= 3, $"{InTopic(large, "chunk")} chunk records for a 3 MB body");
        var final = topicRecords.Single(record => TopicReader.Id(record) == large && TopicReader.Kind(record) == "final");
        Assert.Equal((ulong)InTopic(large, "chunk") + 1, RecordMetadata.Read(final)!.Chunks);
        Assert.Equal(1, Kind("whole"));
        Assert.Equal(InTopic(large, "chunk"), Kind("chunk"));
        Assert.Equal(1, Kind("final"));
        Assert.Equal(topicRecords.Count, records.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, chunked.GetMeasurementSnapshot().Sum(m => m.Value));
        // Value octets: exactly what the topic holds.
        Assert.Equal(topicRecords.Sum(record => (long)record.Value.Length), sent.GetMeasurementSnapshot().Sum(m => m.Value));
        // Every record produced was settled (acknowledged) before the 250s, none failed.
        Assert.Equal(records.GetMeasurementSnapshot().Sum(m => m.Value), durations.GetMeasurementSnapshot().Count);
        Assert.Empty(errors.GetMeasurementSnapshot());
        inFlight.RecordObservableInstruments();
        Assert.Equal(0, inFlight.LastMeasurement!.Value);
    }
}
