using System.Net;
using Ingest.Delivery.Kafka;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>/readyz follows the Kafka sink's health (issue 4): a load balancer stops sending while Kafka is away.</summary>
public sealed class ReadinessTests(ITestOutputHelper output) : IDisposable
{
    private readonly MockCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task ReadinessFailsWhileTheBrokersAreDownAndRecoversWithThem()
    {
        output.WriteLine($"Kafka: librdkafka mock cluster at {_cluster.BootstrapServers} (brokers are taken down)");
        var topic = "ingest-ready-" + Guid.NewGuid().ToString("N")[..16];
        _cluster.CreateTopic(topic, partitions: 1);
        _cluster.BrokersDown();
        await using var gateway = await KafkaGateway.StartAsync(_cluster.BootstrapServers, topic, "Ingest:Kafka:DeliveryTimeout=00:00:02");
        using var http = new HttpClient { BaseAddress = gateway.Management, Timeout = TimeSpan.FromSeconds(30) };

        // Alive throughout; ready until the sink has news that Kafka is unreachable.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(451, await Mail.SendRefusedAsync(gateway, Mail.Message(1024), useData: true));
        Assert.Equal(KafkaHealth.Unavailable, gateway.Sink.Health);
        var down = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("kafka unavailable\n", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        _cluster.BrokersUp();
        // The first message acknowledged after the brokers return is what tells the sink: a sender
        // retries a 451, and so does this test, a bounded number of times.
        var accepted = false;
        for (var attempt = 0; attempt < 20 && !accepted; attempt++)
        {
            try
            {
                await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
                accepted = true;
            }
            catch (MailKit.Net.Smtp.SmtpCommandException refusal) when ((int)refusal.StatusCode == 451)
            {
                output.WriteLine($"attempt {attempt}: 451 while the producer reconnects");
            }
        }

        Assert.True(accepted, "no message was accepted after the brokers came back");
        var up = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }
}
