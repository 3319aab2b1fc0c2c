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

        await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
        await Mail.SendAsync(gateway, Mail.Message(3 * 1024 * 1024), useData: false);

        long Kind(string kind) => records.GetMeasurementSnapshot().Where(m => Equals(m.Tags["kafka.record.kind"], kind)).Sum(m => m.Value);
        Assert.Equal(1, Kind("whole"));
        Assert.True(Kind("chunk") >= 3, $"{Kind("chunk")} chunk records for a 3 MB body");
        Assert.Equal(1, Kind("final"));
        Assert.Equal(1, chunked.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.True(sent.GetMeasurementSnapshot().Sum(m => m.Value) > 3 * 1024 * 1024);
        // Every record produced was settled (acknowledged) before the 250s, none failed.
        Assert.Equal(records.GetMeasurementSnapshot().Sum(m => m.Value), durations.GetMeasurementSnapshot().Count);
        Assert.Empty(errors.GetMeasurementSnapshot());
        inFlight.RecordObservableInstruments();
        Assert.Equal(0, inFlight.LastMeasurement!.Value);
    }
}
