using System.Diagnostics;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// The gateway stopping while a message waits for its acknowledgements: the sender must never be
/// told 250 for a message Kafka has not acknowledged (docs/delivery-guarantees.md). It may see 421,
/// 451 or the connection closing; a client whose connection closes before the reply treats the
/// transaction as if it had got 451 (RFC 5321 3.8), so it still holds the message and retries.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly MockCluster _cluster = new();

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
            "Ingest:Kafka:DeliveryTimeout=00:00:03",
            "Ingest:Server:ShutdownTimeout=00:00:01");
        // Acknowledged, so 250: the contrast with what follows.
        await Mail.SendAsync(gateway, Mail.Message(512), useData: true);

        using var produced = KafkaWaits.Records(gateway);
        _cluster.SetRoundTrip(TimeSpan.FromSeconds(30));
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
        Assert.True(gateway.Sink.InFlightBytes > 0);

        var stopping = gateway.StopAsync();
        var reply = await client.ReadReplyAsync().WaitAsync(Bound);
        await stopping.WaitAsync(Bound);

        output.WriteLine($"reply after stop: {reply ?? "<connection closed>"}");
        // The broker answers again, so disposing the gateway does not wait out its flush.
        _cluster.SetRoundTrip(TimeSpan.Zero);
        Assert.True(reply is null || reply.StartsWith("421", StringComparison.Ordinal) || reply.StartsWith("451", StringComparison.Ordinal), $"unacknowledged message answered: {reply}");
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
