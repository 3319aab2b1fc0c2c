using System.Text;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// The gateway's records through kfake, an independent Kafka-protocol broker that shares no code
/// with librdkafka (../shared/kafka-broker/README.md), started by the test itself, so that
/// <c>dotnet test</c> alone covers a broker other than the mock wherever the binary is. A tool
/// test: skipped where kfake is missing, with how to build it. (CI also runs every end-to-end test
/// against kfake through KAFKA_BOOTSTRAP_SERVERS: see .ci/run.)
/// </summary>
public sealed class IndependentBrokerTests(ITestOutputHelper output)
{
    [ToolFact("kfake")]
    public async Task CorpusAndAChunkedMessageArriveByteForByteThroughKfake()
    {
        await using var broker = await KfakeBroker.StartAsync(brokers: 3, partitions: 3);
        output.WriteLine($"Kafka: kfake at {broker.BootstrapServers} ({ExternalTool.Kfake.Find()})");
        var topic = "ingest-kfake-" + Guid.NewGuid().ToString("N")[..16];
        await KafkaTarget.CreateTopicAsync(broker.BootstrapServers, topic, partitions: 3);
        await using var gateway = await KafkaGateway.StartAsync(broker.BootstrapServers, topic);

        // The generated corpus (and the real-world one, where configured), octet for octet with BDAT, on one connection.
        var sent = new Dictionary<string, byte[]>();
        await using (var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await client.ExpectAsync("220");
            await client.SendAsync("EHLO client.test\r\n");
            await client.ExpectAsync("250-");
            foreach (var message in TestCorpus.All())
            {
                await client.SendAsync([.. Encoding.ASCII.GetBytes($"MAIL FROM:<bob@example.org> SMTPUTF8\r\nRCPT TO:<alice@example.com>\r\nBDAT {message.Bytes.Length} LAST\r\n"), .. message.Bytes]);
                await client.ExpectAsync("250");
                await client.ExpectAsync("250");
                sent[(await client.ExpectAsync("250 2.0.0 OK: queued as "))[24..]] = message.Bytes;
            }
        }

        // And one large enough to be chunked.
        var large = Mail.Message(3 * 1024 * 1024);
        var largeId = await Mail.SendAsync(gateway, large, useData: true);
        sent[largeId] = Mail.WireBytes(large);

        var records = TopicReader.ReadUntil(broker.BootstrapServers, topic, 3, read => TopicReader.Closed(read, [.. sent.Keys]));
        var delivered = TopicReader.Reassemble(records, out var counters);
        Assert.Equal(0, counters.Duplicates + counters.Corrupt + counters.Incomplete);
        Assert.Equal(sent.Keys.Order(StringComparer.Ordinal), delivered.Select(message => message.Envelope.MessageId).Order(StringComparer.Ordinal));
        foreach (var message in delivered)
        {
            var wire = sent[message.Envelope.MessageId];
            // The gateway's Received header, then exactly what the client sent.
            Assert.Equal(wire, message.Value[^wire.Length..]);
            Assert.StartsWith("Received: from ", Encoding.UTF8.GetString(message.Value, 0, message.Value.Length - wire.Length), StringComparison.Ordinal);
        }

        Assert.True(delivered.Single(message => message.Envelope.MessageId == largeId).Records > 1);
    }
}
