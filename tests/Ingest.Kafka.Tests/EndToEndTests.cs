using System.Text;
using Ingest.Delivery.Kafka;
using Ingest.Kafka.Records;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// MailKit into the real gateway, the Kafka sink into Kafka, a real consumer and the Reassembler out:
/// the value is the Received header plus exactly the bytes MailKit sent, and the envelope matches.
/// </summary>
public sealed class EndToEndTests(KafkaTarget kafka, ITestOutputHelper output) : IClassFixture<KafkaTarget>
{
    private const int MockPartitionSafeSize = 5_000_000;

    [Theory]
    [InlineData(1024, true)]
    [InlineData(1024, false)]
    [InlineData(150 * 1024, true)]
    [InlineData(150 * 1024, false)]
    // 5 MB in decimal: the mock cluster keeps only the newest 5 MiB of each partition (a constant in
    // rdkafka_mock.c), so a 5 MiB body plus its trace header would lose its first chunk there.
    [InlineData(MockPartitionSafeSize, true)]
    [InlineData(MockPartitionSafeSize, false)]
    public async Task MessageArrivesInKafkaByteForByteWithItsEnvelope(int size, bool useData)
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        var message = Mail.Message(size);
        var id = await Mail.SendAsync(gateway, message, useData);

        var records = TopicReader.ReadUntil(kafka.BootstrapServers, topic, 3, read => TopicReader.Closed(read, id));
        output.WriteLine(TopicReader.Describe(records));
        var delivered = Assert.Single(TopicReader.Reassemble(records, out var counters));
        AssertDelivered(delivered, id, Mail.WireBytes(message), ["alice@example.com"]);
        // Large bodies were chunked while they arrived; small ones are one record.
        Assert.Equal(size > 1_000_000, delivered.Records > 1);
        // Exactly one copy: every record of the message was used once.
        Assert.Equal(delivered.Records, records.Count(record => TopicReader.Id(record) == id));
        Assert.Equal(0, counters.Duplicates + counters.Corrupt + counters.Incomplete);
        Assert.Equal(KafkaHealth.Healthy, gateway.Sink.Health);
    }

    [Fact]
    public async Task RecipientsAreRoutedByDomainEachTopicNamingOnlyItsOwn()
    {
        output.WriteLine(kafka.Description);
        var topicCom = await kafka.CreateTopicAsync();
        var topicNet = await kafka.CreateTopicAsync();
        var fallback = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(
            kafka.BootstrapServers,
            fallback,
            $"Ingest:Kafka:TopicsByDomain:example.com={topicCom}",
            $"Ingest:Kafka:TopicsByDomain:example.net={topicNet}");
        var message = Mail.Message(2 * 1024 * 1024, "alice@example.com", "dave@example.net", "carol@EXAMPLE.com");
        var id = await Mail.SendAsync(gateway, message, useData: true);

        var wire = Mail.WireBytes(message);
        var com = TopicReader.ReadUntil(kafka.BootstrapServers, topicCom, 3, read => TopicReader.Closed(read, id));
        AssertDelivered(Assert.Single(TopicReader.Reassemble(com, out _)), id, wire, ["alice@example.com", "carol@EXAMPLE.com"]);
        var net = TopicReader.ReadUntil(kafka.BootstrapServers, topicNet, 3, read => TopicReader.Closed(read, id));
        AssertDelivered(Assert.Single(TopicReader.Reassemble(net, out _)), id, wire, ["dave@example.net"]);
    }

    // RFC 3461: RET and ENVID on every copy; NOTIFY and ORCPT numbered by each topic's own recipients.
    [Fact]
    public async Task DsnParametersTravelWithEachTopicsOwnRecipients()
    {
        output.WriteLine(kafka.Description);
        var topicCom = await kafka.CreateTopicAsync();
        var topicNet = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(
            kafka.BootstrapServers,
            topicCom,
            $"Ingest:Kafka:TopicsByDomain:example.net={topicNet}");
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO raw.example\r\nMAIL FROM:<s@raw.example> RET=FULL ENVID=env+2B1 SMTPUTF8\r\n"
            + "RCPT TO:<alice@example.com> NOTIFY=SUCCESS ORCPT=rfc822;Alice+2Btag@example.com\r\n"
            + "RCPT TO:<dave@example.net>\r\n"
            + "RCPT TO:<erin@example.net> NOTIFY=NEVER ORCPT=utf-8;\\x{7528}@example.net\r\n"
            + "DATA\r\nSubject: dsn\r\n\r\nhi\r\n.\r\n");
        await client.ExpectAsync("250-");
        await client.ExpectAsync("250 2.1.0");
        for (var i = 0; i < 3; i++)
        {
            await client.ExpectAsync("250 2.1.5");
        }

        await client.ExpectAsync("354");
        var id = (await client.ExpectAsync("250 2.0.0 OK: queued as "))[(("250 2.0.0 OK: queued as ").Length)..];

        var com = Assert.Single(TopicReader.Reassemble(TopicReader.ReadUntil(kafka.BootstrapServers, topicCom, 3, read => TopicReader.Closed(read, id)), out _)).Envelope;
        Assert.Equal(["alice@example.com"], com.Recipients);
        Assert.Equal("FULL", com.Return);
        Assert.Equal("env+1", com.EnvelopeId);
        Assert.Equal([new RecordRecipientDsn("SUCCESS", "rfc822;Alice+tag@example.com")], com.RecipientDsn!);

        var net = Assert.Single(TopicReader.Reassemble(TopicReader.ReadUntil(kafka.BootstrapServers, topicNet, 3, read => TopicReader.Closed(read, id)), out _)).Envelope;
        Assert.Equal(["dave@example.net", "erin@example.net"], net.Recipients);
        Assert.Equal("env+1", net.EnvelopeId);
        Assert.Equal([new RecordRecipientDsn(null, null), new RecordRecipientDsn("NEVER", "utf-8;用@example.net")], net.RecipientDsn!);
    }

    [Fact]
    public async Task SeveralMessagesOnOneConnectionEachArriveOnce()
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        using var client = new MailKit.Net.Smtp.SmtpClient();
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, MailKit.Security.SecureSocketOptions.None);
        var sent = new Dictionary<string, byte[]>();
        for (var i = 0; i < 10; i++)
        {
            var message = Mail.Message(512 + (i * 60_000));
            var reply = await client.SendAsync(message);
            sent.Add(reply[(reply.LastIndexOf(' ') + 1)..], Mail.WireBytes(message));
        }

        await client.DisconnectAsync(quit: true);
        var records = TopicReader.ReadUntil(kafka.BootstrapServers, topic, 3, read => TopicReader.Closed(read, [.. sent.Keys]));
        output.WriteLine(TopicReader.Describe(records));
        var delivered = TopicReader.Reassemble(records, out var counters);
        Assert.Equal(sent.Keys.Order(), delivered.Select(message => message.Envelope.MessageId).Order());
        foreach (var message in delivered)
        {
            AssertDelivered(message, message.Envelope.MessageId, sent[message.Envelope.MessageId], ["alice@example.com"]);
        }

        Assert.Equal(0, counters.Duplicates);
    }

    /// <param name="receivedAt">The gateway's clock when it was a fake one: the envelope must carry exactly that time.</param>
    internal static void AssertDelivered(ReassembledMessage delivered, string id, byte[] wire, string[] recipients, DateTimeOffset? receivedAt = null)
    {
        var envelope = delivered.Envelope;
        Assert.Equal(id, envelope.MessageId);
        Assert.Equal("bob@example.org", envelope.ReversePath);
        Assert.Equal(recipients, envelope.Recipients);
        Assert.Equal("127.0.0.1", envelope.ClientAddress?.ToString());
        Assert.True(envelope.ClientPort > 0);
        Assert.False(string.IsNullOrEmpty(envelope.HeloName));
        Assert.Equal("gw-test", envelope.Gateway);
        Assert.Equal("ESMTP", envelope.Protocol);
        if (receivedAt is { } fixedTime)
        {
            Assert.Equal(fixedTime, envelope.ReceivedAt);
        }
        else
        {
            Assert.True(DateTimeOffset.UtcNow - envelope.ReceivedAt < TimeSpan.FromMinutes(5));
        }

        // The value is the gateway's Received header, then the message exactly as the client sent it.
        Assert.True(delivered.Value.Length > wire.Length);
        Assert.Equal(wire, delivered.Value[^wire.Length..]);
        var trace = Encoding.UTF8.GetString(delivered.Value, 0, delivered.Value.Length - wire.Length);
        Assert.StartsWith("Received: from ", trace, StringComparison.Ordinal);
        Assert.Contains($"by gw.test (Ingest) with ESMTP id {id}", trace, StringComparison.Ordinal);
    }
}
