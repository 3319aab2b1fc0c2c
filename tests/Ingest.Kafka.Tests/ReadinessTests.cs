using System.Net;
using Ingest.Delivery.Kafka;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// /readyz follows the Kafka sink's health (issue 4): a load balancer stops sending while Kafka is
/// away. The brokers are taken down and brought back, so it needs the mock. Each step waits for
/// the sink's own news (its health event, an acknowledged message), and the delivery deadline is
/// on a fake clock, so nothing here depends on how fast librdkafka reconnects.
/// </summary>
[Trait("Broker", "mock-only")]
public sealed class ReadinessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    private readonly MockCluster _cluster = new();
    private readonly ObservedTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task ReadinessFailsWhileTheBrokersAreDownAndRecoversWithThem()
    {
        output.WriteLine($"Kafka: librdkafka mock cluster at {_cluster.BootstrapServers} (brokers are taken down)");
        var topic = "ingest-ready-" + Guid.NewGuid().ToString("N")[..16];
        _cluster.CreateTopic(topic, partitions: 1);
        _cluster.BrokersDown();
        await using var gateway = await KafkaGateway.StartAsync(_cluster.BootstrapServers, topic, _time, $"Ingest:Kafka:DeliveryTimeout={DeliveryTimeout}", "Ingest:Kafka:TopicCheckTimeout=00:00:01");
        using var http = new HttpClient { BaseAddress = gateway.Management, Timeout = Bound };
        using var unavailable = new HealthWatch(gateway.Sink, KafkaHealth.Unavailable);

        // Alive throughout; not ready once librdkafka reports the brokers unreachable.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        await unavailable.Reached.WaitAsync(Bound);
        var down = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("kafka unavailable\n", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);

        // Mail meanwhile waits for its deadline and gets 451, so the sender retries.
        using var deadlines = new DeadlineWatch(gateway.Sink);
        var refused = Mail.SendRefusedAsync(gateway, Mail.Message(1024), useData: true);
        await deadlines.WaitingAsync().WaitAsync(Bound);
        deadlines.PassDeadlines(_time);
        Assert.Equal(451, await refused.WaitAsync(Bound));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

        // The first message acknowledged after the brokers return is what tells the sink. Its
        // deadline is on the fake clock, which stays put: it waits as long as librdkafka takes to
        // reconnect, and one try is enough.
        using var healthy = new HealthWatch(gateway.Sink, KafkaHealth.Healthy);
        _cluster.BrokersUp();
        await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
        await healthy.Reached.WaitAsync(Bound);
        var up = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    [Fact]
    public async Task ReadinessRecoversWhenTheBrokersReturnEvenWithNoMailFlowing()
    {
        // A load balancer sends nothing to an instance that is not ready: with every instance out
        // after an outage, no message would ever come to tell the sink the brokers are back.
        var topic = "ingest-ready-" + Guid.NewGuid().ToString("N")[..16];
        _cluster.CreateTopic(topic, partitions: 1);
        _cluster.BrokersDown();
        await using var gateway = await KafkaGateway.StartAsync(_cluster.BootstrapServers, topic, _time, $"Ingest:Kafka:DeliveryTimeout={DeliveryTimeout}", "Ingest:Kafka:TopicCheckTimeout=00:00:01", "Ingest:Kafka:Producer:statistics.interval.ms=200");
        using var http = new HttpClient { BaseAddress = gateway.Management, Timeout = Bound };
        using (var unavailable = new HealthWatch(gateway.Sink, KafkaHealth.Unavailable))
        {
            await unavailable.Reached.WaitAsync(Bound);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        using var healthy = new HealthWatch(gateway.Sink, KafkaHealth.Healthy);
        _cluster.BrokersUp();
        await healthy.Reached.WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
    }
}
