using Confluent.Kafka;
using Ingest.Delivery.Kafka;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// A fatal producer error (librdkafka's rd_kafka_fatal_error) retires that producer instance and
/// builds another. Always on a mock cluster of its own: the faults are injected.
/// </summary>
[Trait("Broker", "mock-only")]
public sealed class FatalErrorTests(ITestOutputHelper output) : IDisposable
{
    // Not retriable: with enable.gapless.guarantee=true librdkafka turns a failed batch into the
    // fatal error ERR__GAPLESS_GUARANTEE (librdkafka CONFIGURATION.md, enable.gapless.guarantee).
    private const int InvalidRecord = 87;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly MockCluster _cluster = new();

    private Task<(KafkaGateway Gateway, string Topic)> StartAsync(params string[] settings) => StartAsync(null, settings);

    private async Task<(KafkaGateway Gateway, string Topic)> StartAsync(TimeProvider? time, params string[] settings)
    {
        output.WriteLine($"Kafka: librdkafka mock cluster at {_cluster.BootstrapServers} (fault injection needs the mock)");
        var topic = "ingest-fatal-" + Guid.NewGuid().ToString("N")[..16];
        _cluster.CreateTopic(topic, partitions: 1);
        var gateway = await KafkaGateway.StartAsync(_cluster.BootstrapServers, topic, time, settings);
        // The producer has its id and metadata before the fault.
        await Mail.SendAsync(gateway, Mail.Message(512), useData: true);
        Assert.Equal(1, gateway.Sink.Handle.Generation);
        return (gateway, topic);
    }

    [Fact]
    public async Task LibrdkafkaFatalErrorRebuildsTheProducerAndMailFlowsAgainWithoutRestart()
    {
        var (gateway, topic) = await StartAsync(
            "Ingest:Kafka:DeliveryTimeout=00:00:10",
            "Ingest:Kafka:Producer:enable.gapless.guarantee=true");
        await using var running = gateway;
        using var rebuilds = KafkaWaits.Rebuilds(gateway);
        _cluster.FailNextProduceRequests(InvalidRecord);

        Assert.Equal(451, await Mail.SendRefusedAsync(gateway, Mail.Message(1024), useData: true));
        await KafkaWaits.ProducerRebuiltAsync(rebuilds, Bound);
        Assert.Equal(2, gateway.Sink.Handle.Generation);

        var message = Mail.Message(2048);
        var id = await Mail.SendAsync(gateway, message, useData: false);
        Assert.Equal(KafkaHealth.Healthy, gateway.Sink.Health);
        var records = TopicReader.ReadUntil(_cluster.BootstrapServers, topic, 1, read => TopicReader.Closed(read, id));
        var delivered = TopicReader.Reassemble(records, out _).Single(candidate => candidate.Envelope.MessageId == id);
        EndToEndTests.AssertDelivered(delivered, id, Mail.WireBytes(message), ["alice@example.com"]);
        await KafkaWaits.BudgetReturnedAsync(gateway.Sink, Bound);
    }

    [Fact]
    public async Task MessageWaitingOnAProducerThatFailsGets451AtOnceAndTheNextUsesANewProducer()
    {
        // The gateway's clock is a fake that never moves, so its delivery deadline cannot pass, and
        // librdkafka's own (message.timeout.ms, real time) is a minute, three times the test's bound:
        // a 451 within the bound can only be the retired producer's.
        var time = new ObservedTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var (gateway, topic) = await StartAsync(time, "Ingest:Kafka:DeliveryTimeout=00:01:00");
        await using var running = gateway;
        using var rebuilds = KafkaWaits.Rebuilds(gateway);
        using var produced = KafkaWaits.Records(gateway);
        // Acks stall, so the next message is in flight on producer 1 when it fails.
        _cluster.SetRoundTrip(TimeSpan.FromSeconds(30));
        var waiting = Mail.SendRefusedAsync(gateway, Mail.Message(3 * 1024 * 1024), useData: false);
        await KafkaWaits.RecordProducedAsync(produced, Bound);
        Assert.True(gateway.Sink.InFlightBytes > 0);

        // What librdkafka's error callback reports for a fatal error, e.g. a lost idempotent
        // sequence: the seam is the handle's own error callback (Confluent.Kafka keeps the native
        // handle that rd_kafka_test_fatal_error would need internal).
        var failed = gateway.Sink.Handle.Current;
        gateway.Sink.Handle.OnError(failed, new Error(ErrorCode.Local_Fatal, "injected by the test", isFatal: true));

        Assert.Equal(451, await waiting.WaitAsync(Bound));
        Assert.True(failed.IsRetired);

        _cluster.SetRoundTrip(TimeSpan.Zero);
        await KafkaWaits.ProducerRebuiltAsync(rebuilds, Bound);
        Assert.Equal(2, gateway.Sink.Handle.Generation);
        var message = Mail.Message(1024);
        var id = await Mail.SendAsync(gateway, message, useData: true);
        Assert.NotSame(failed, gateway.Sink.Handle.Current);
        var records = TopicReader.ReadUntil(_cluster.BootstrapServers, topic, 1, read => TopicReader.Closed(read, id));
        EndToEndTests.AssertDelivered(
            TopicReader.Reassemble(records, out _).Single(candidate => candidate.Envelope.MessageId == id), id, Mail.WireBytes(message), ["alice@example.com"], time.GetUtcNow());
        // Records the old producer never reported on were swept back into the budget when it was disposed.
        await KafkaWaits.BudgetReturnedAsync(gateway.Sink, Bound);
    }


    public void Dispose() => _cluster.Dispose();
}
