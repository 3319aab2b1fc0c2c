using System.Text;
using Ingest.Kafka.Records;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// With sender verification on, the Authentication-Results field leads the value of a whole record,
/// and rides in front of a chunked message's value through the final record's prefix field; the
/// compact verdicts are on the closing record either way.
/// </summary>
public sealed class AuthenticationVerdictTests(KafkaTarget kafka, ITestOutputHelper output) : IClassFixture<KafkaTarget>
{
    [Theory]
    [InlineData(1024, true)]
    [InlineData(1024, false)]
    [InlineData(2 * 1024 * 1024, true)]
    [InlineData(2 * 1024 * 1024, false)]
    public async Task VerdictsLeadTheMessageAndCloseItsRecords(int size, bool useData)
    {
        output.WriteLine(kafka.Description);
        using var dns = new TestDnsServer();
        dns.Txt("example.org", "v=spf1 ip4:127.0.0.1 -all");
        dns.Txt("_dmarc.example.org", "v=DMARC1; p=quarantine");
        var topic = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic,
            "Ingest:Authentication:Enabled=true", $"Ingest:Authentication:Dns:Servers:0={dns.Endpoint}", "Ingest:Authentication:Dns:QueryTimeout=00:00:03");
        var message = Mail.Message(size);
        var id = await Mail.SendAsync(gateway, message, useData);

        var records = TopicReader.ReadUntil(kafka.BootstrapServers, topic, 3, read => TopicReader.Closed(read, id));
        var delivered = Assert.Single(TopicReader.Reassemble(records, out _));
        var wire = Mail.WireBytes(message);
        Assert.Equal(wire, delivered.Value[^wire.Length..]);
        var added = Encoding.ASCII.GetString(delivered.Value, 0, delivered.Value.Length - wire.Length);
        Assert.StartsWith("Authentication-Results: gw.test;\r\n\tspf=pass (", added, StringComparison.Ordinal);
        Assert.Contains("\r\n\tdkim=none (no signature);\r\n\tdmarc=pass (p=quarantine dis=none; aligned SPF example.org)\r\n\theader.from=example.org\r\nReceived: from ", added, StringComparison.Ordinal);
        Assert.Equal("pass example.org", delivered.Spf);
        Assert.Empty(delivered.Dkim);
        Assert.Equal("pass example.org quarantine", delivered.Dmarc);

        var first = records.First(record => TopicReader.Id(record) == id);
        if (size > 1_000_000)
        {
            // The first chunk left before the verdicts existed: it starts with the trace header.
            Assert.StartsWith("Received: ", Encoding.ASCII.GetString(first.Value, 0, 10), StringComparison.Ordinal);
            Assert.NotNull(RecordMetadata.Read(records.Last(record => TopicReader.Id(record) == id))!.Field(RecordFields.Prefix));
        }
        else
        {
            Assert.StartsWith("Authentication-Results: ", Encoding.ASCII.GetString(first.Value, 0, 24), StringComparison.Ordinal);
            Assert.Null(RecordMetadata.Read(first)!.Field(RecordFields.Prefix));
        }
    }
}
