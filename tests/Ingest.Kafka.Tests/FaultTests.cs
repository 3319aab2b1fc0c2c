using System.Text;
using Ingest.Delivery.Kafka;
using Ingest.Kafka.Records;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// Failures injected into librdkafka's mock cluster. These always use a mock cluster of their own,
/// even when KAFKA_BOOTSTRAP_SERVERS is set: a real broker cannot be taken down or made to fail on cue.
/// Topics have one partition, so "nothing else arrived" is checked by reading up to a later message.
/// </summary>
[Trait("Broker", "mock-only")]
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    // Kafka protocol error codes (retriable) and librdkafka's local "transport" error, which makes the
    // mock broker drop the connection.
    private const int NotLeaderOrFollower = 6;
    private const int RequestTimedOut = 7;
    private const int NotEnoughReplicas = 19;
    private const int Transport = -195;

    // Not retriable, and not sticky: librdkafka keeps failing a topic after TOPIC_AUTHORIZATION_FAILED
    // until its next metadata refresh, which would make the follow-up message fail too.
    private const int InvalidRecord = 87;

    private readonly MockCluster _cluster = new();

    private async Task<(KafkaGateway Gateway, string Topic)> StartAsync(string deliveryTimeout, params string[] settings)
    {
        output.WriteLine($"Kafka: librdkafka mock cluster at {_cluster.BootstrapServers} (fault injection needs the mock)");
        var topic = "ingest-fault-" + Guid.NewGuid().ToString("N")[..16];
        _cluster.CreateTopic(topic, partitions: 1);
        var gateway = await KafkaGateway.StartAsync(_cluster.BootstrapServers, topic, [$"Ingest:Kafka:DeliveryTimeout={deliveryTimeout}", "Ingest:Kafka:TopicCheckTimeout=00:00:01", .. settings]);
        return (gateway, topic);
    }

    [Fact]
    public async Task BrokerDownAtStartGives451ThenMailFlowsOnceItIsBack()
    {
        _cluster.BrokersDown();
        var (gateway, topic) = await StartAsync("00:00:02");
        await using var running = gateway;

        // The gateway started and answers; both a one-record and a chunked message are refused for retry.
        Assert.Equal(451, await Mail.SendRefusedAsync(gateway, Mail.Message(1024), useData: true));
        Assert.Equal(451, await Mail.SendRefusedAsync(gateway, Mail.Message(3 * 1024 * 1024), useData: false));
        Assert.Equal(KafkaHealth.Unavailable, gateway.Sink.Health);

        _cluster.BrokersUp();
        var message = Mail.Message(2048);
        var id = await SendUntilAcceptedAsync(gateway, message);
        Assert.Equal(KafkaHealth.Healthy, gateway.Sink.Health);

        var records = TopicReader.ReadUntil(_cluster.BootstrapServers, topic, 1, read => TopicReader.Closed(read, id));
        var delivered = Assert.Single(TopicReader.Reassemble(records, out _));
        EndToEndTests.AssertDelivered(delivered, id, Mail.WireBytes(message), ["alice@example.com"]);
        // Of the refused messages, at most abort records (produced after the 451) reached the topic.
        Assert.All(records, record => Assert.True(TopicReader.Id(record) == id || TopicReader.Kind(record) == "abort", $"unexpected {TopicReader.Kind(record)} record"));
    }

    [Fact]
    public async Task RetriableProduceErrorsStillGive250AndExactlyOneCopy()
    {
        // One request in flight: the mock does not check idempotent sequence numbers (rdkafka_mock.c
        // validates them only for transactional producers), so a later batch it accepts while an
        // earlier one is being retried makes librdkafka count the earlier one as persisted, as a real
        // broker's sequence check would guarantee; the mock then has lost it. A real broker cannot.
        var (gateway, topic) = await StartAsync("00:00:30", "Ingest:Kafka:Producer:max.in.flight.requests.per.connection=1");
        await using var running = gateway;
        _cluster.FailNextProduceRequests(NotLeaderOrFollower, RequestTimedOut, NotEnoughReplicas, Transport, NotEnoughReplicas);

        var message = Mail.Message(4 * 1024 * 1024);
        var id = await Mail.SendAsync(gateway, message, useData: false);

        var records = TopicReader.ReadUntil(_cluster.BootstrapServers, topic, 1, read => TopicReader.Closed(read, id));
        output.WriteLine(TopicReader.Describe(records));
        var delivered = Assert.Single(TopicReader.Reassemble(records, out var counters));
        EndToEndTests.AssertDelivered(delivered, id, Mail.WireBytes(message), ["alice@example.com"]);
        Assert.Equal(delivered.Records, records.Count);
        Assert.Equal(0, counters.Duplicates);
    }

    [Fact]
    public async Task NonRetriableProduceErrorGives451AndNothingVisible()
    {
        var (gateway, topic) = await StartAsync("00:00:10");
        await using var running = gateway;
        await WarmUpAsync(gateway);
        _cluster.FailNextProduceRequests(InvalidRecord);

        Assert.Equal(451, await Mail.SendRefusedAsync(gateway, Mail.Message(1024), useData: true));

        var id = await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
        var records = TopicReader.ReadUntil(_cluster.BootstrapServers, topic, 1, read => TopicReader.Closed(read, id));
        // The warm-up message and the one after the failure; the refused one never became visible.
        Assert.Equal(2, TopicReader.Reassemble(records, out _).Count);
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public async Task AcknowledgementSlowerThanTheDeadlineGives451()
    {
        var (gateway, _) = await StartAsync("00:00:01");
        await using var running = gateway;
        await WarmUpAsync(gateway);
        _cluster.SetRoundTrip(TimeSpan.FromSeconds(5));

        Assert.Equal(451, await Mail.SendRefusedAsync(gateway, Mail.Message(1024), useData: true));
        _cluster.SetRoundTrip(TimeSpan.Zero);
    }

    [Fact]
    public async Task ClientLeavingMidDataLeavesAnAbortOrNothingNeverAMessage()
    {
        var (gateway, topic) = await StartAsync("00:00:10");
        await using var running = gateway;
        await using (var raw = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await raw.ExpectAsync("220");
            await raw.SendAsync("EHLO client.test\r\nMAIL FROM:<bob@example.org>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
            await raw.ExpectAsync("250");
            await raw.ExpectAsync("250");
            await raw.ExpectAsync("250");
            await raw.ExpectAsync("354");
            await raw.SendAsync(Body(3 * 1024 * 1024));
        }

        var id = await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
        // The abort record is produced when the session notices the disconnect, which may be after
        // the second message: read until that one is closed and every chunked one has its abort.
        var records = TopicReader.ReadUntil(_cluster.BootstrapServers, topic, 1, read =>
            TopicReader.Closed(read, id) &&
            read.Where(record => TopicReader.Id(record) != id).GroupBy(TopicReader.Id).All(other => other.Any(record => TopicReader.Kind(record) == "abort")));
        Assert.Equal(id, Assert.Single(TopicReader.Reassemble(records, out _)).Envelope.MessageId);
        foreach (var other in records.Where(record => TopicReader.Id(record) != id).GroupBy(TopicReader.Id))
        {
            Assert.Equal("abort", TopicReader.Kind(other.Last()));
        }
    }

    [Fact]
    public async Task ClientLeavingAfterABdatChunkLeavesChunksClosedByAnAbortRecord()
    {
        var (gateway, topic) = await StartAsync("00:00:10");
        await using var running = gateway;
        const int ChunkBytes = 3 * 1024 * 1024;
        await using (var raw = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await raw.ExpectAsync("220");
            await raw.SendAsync($"EHLO client.test\r\nMAIL FROM:<bob@example.org>\r\nRCPT TO:<alice@example.com>\r\nBDAT {ChunkBytes}\r\n");
            await raw.SendAsync(Body(ChunkBytes));
            await raw.ExpectAsync("250");
            await raw.ExpectAsync("250");
            await raw.ExpectAsync("250");
            // The chunk was handed to the sink, so chunk records are on their way; then the client vanishes.
            await raw.ExpectAsync("250 2.0.0 " + ChunkBytes);
        }

        var id = await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
        var records = TopicReader.ReadUntil(
            _cluster.BootstrapServers,
            topic,
            1,
            read => TopicReader.Closed(read, id) && read.Any(record => TopicReader.Kind(record) == "abort"));
        var delivered = TopicReader.Reassemble(records, out var counters);
        Assert.Equal(id, Assert.Single(delivered).Envelope.MessageId);
        Assert.Equal(1, counters.Aborted);
        var aborted = records.Where(record => TopicReader.Id(record) != id).ToList();
        Assert.True(aborted.Count >= 3, $"{aborted.Count} records of the aborted message");
        Assert.All(aborted[..^1], record => Assert.Equal("chunk", TopicReader.Kind(record)));
        Assert.Equal("abort", TopicReader.Kind(aborted[^1]));
    }

    private static byte[] Body(int size)
    {
        var line = Encoding.ASCII.GetBytes("Subject: partial\r\n" + new string('x', 78) + "\r\n");
        var body = new byte[size];
        for (var offset = 0; offset < size; offset += line.Length)
        {
            line.AsSpan(0, Math.Min(line.Length, size - offset)).CopyTo(body.AsSpan(offset));
        }

        return body;
    }

    private static async Task WarmUpAsync(KafkaGateway gateway)
    {
        // The producer has its id and metadata before the fault, so the fault is what the next message meets.
        await Mail.SendAsync(gateway, Mail.Message(512), useData: true);
    }

    /// <summary>What a sending MTA does after 451: tries again. Bounded, and each try waits on the reply, not a clock.</summary>
    private static async Task<string> SendUntilAcceptedAsync(KafkaGateway gateway, MimeKit.MimeMessage message)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Mail.SendAsync(gateway, message, useData: true);
            }
            catch (MailKit.Net.Smtp.SmtpCommandException refusal) when ((int)refusal.StatusCode == 451 && attempt < 10)
            {
            }
        }
    }

    public void Dispose() => _cluster.Dispose();
}
