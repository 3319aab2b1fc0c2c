using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// The gateway stopping while a message waits for its acknowledgements: the sender must never be
/// told 250 for a message Kafka has not acknowledged (docs/delivery-guarantees.md). A stop lets the
/// message in flight finish: here Kafka never acknowledges it, so the delivery deadline passes
/// (on a fake clock), the message gets 451 and only then the session 421 and its close. The
/// stalled broker needs the mock.
/// </summary>
[Trait("Broker", "mock-only")]
public sealed class ShutdownTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    private readonly MockCluster _cluster = new();
    private readonly ObservedTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StoppingWhileAcksAreOutstandingNeverAnswers250(bool chunked)
    {
        output.WriteLine($"Kafka: librdkafka mock cluster at {_cluster.BootstrapServers} (a stalled broker needs the mock)");
        var topic = "ingest-stop-" + Guid.NewGuid().ToString("N")[..16];
        _cluster.CreateTopic(topic, partitions: 1);
        await using var gateway = await KafkaGateway.StartAsync(
            _cluster.BootstrapServers,
            topic,
            _time,
            // librdkafka's own timer (message.timeout.ms) is real time: far beyond the test's bound.
            $"Ingest:Kafka:DeliveryTimeout={DeliveryTimeout}",
            // The stop must not cut the session off: it may wait for the message for minutes.
            "Ingest:Server:ShutdownTimeout=00:05:00");
        // Acknowledged, so 250: the contrast with what follows.
        await Mail.SendAsync(gateway, Mail.Message(512), useData: true);
        using var deadlines = new DeadlineWatch(gateway.Sink);

        using var produced = KafkaWaits.Records(gateway);
        _cluster.SetRoundTrip(TimeSpan.FromSeconds(30));
        await using var idle = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await idle.ExpectAsync("220");
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<bob@example.org>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("354");
        await client.SendAsync(Body(chunked ? 2_500_000 : 1024));
        await client.SendAsync(".\r\n");
        await KafkaWaits.RecordProducedAsync(produced, Bound);
        // The session now waits for this message's acknowledgements, until a deadline on the fake clock.
        await deadlines.WaitingAsync().WaitAsync(Bound);
        Assert.True(gateway.Sink.InFlightBytes > 0);

        var stopping = gateway.StopAsync();
        // The stop has reached the sessions: the idle one is told at once.
        await idle.ExpectAsync("421 4.3.2");
        Assert.True(await idle.IsClosedAsync());

        // The one with a message in flight is still waiting on Kafka; its deadline passes.
        deadlines.PassDeadlines(_time);
        var reply = await client.ReadReplyAsync();
        output.WriteLine($"reply after stop and deadline: {reply ?? "<connection closed>"}");
        Assert.StartsWith("451 4.3.0", reply, StringComparison.Ordinal);
        await client.ExpectAsync("421 4.3.2");
        Assert.True(await client.IsClosedAsync());

        // The broker answers again, so the producer's flush on dispose does not wait out its timeout.
        _cluster.SetRoundTrip(TimeSpan.Zero);
        await stopping.WaitAsync(Bound);
    }

    private static byte[] Body(int size)
    {
        var body = new byte[size];
        var line = "Subject: stop\r\n"u8.ToArray().Concat(Enumerable.Repeat((byte)'s', 78)).Concat("\r\n"u8.ToArray()).ToArray();
        for (var offset = 0; offset < size; offset += line.Length)
        {
            line.AsSpan(0, Math.Min(line.Length, size - offset)).CopyTo(body.AsSpan(offset));
        }

        // End on a line boundary, so ".\r\n" is the terminator.
        body[^2] = (byte)'\r';
        body[^1] = (byte)'\n';
        return body;
    }

    public void Dispose() => _cluster.Dispose();
}
