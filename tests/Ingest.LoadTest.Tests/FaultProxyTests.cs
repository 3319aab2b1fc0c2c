using System.Net;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace Ingest.LoadTest.Tests;

/// <summary>The fault proxy in front of kfake: a producer bootstrapped through it stays behind it, and its faults reach the producer.</summary>
public sealed class FaultProxyTests(ITestOutputHelper output)
{
    [ToolFact("kfake")]
    public async Task ProducerStaysBehindTheProxyAndABlackHoleHoldsItsRecordsUntilItHeals()
    {
        await using var broker = await KfakeBroker.StartAsync(brokers: 3, partitions: 3);
        var targets = broker.BootstrapServers.Split(',').Select(IPEndPoint.Parse).ToList();
        using var stopping = new CancellationTokenSource();
        var proxy = new Ingest.FaultProxy.FaultProxy(targets, kafka: true);
        await proxy.StartAsync(stopping.Token);
        try
        {
            var through = string.Join(",", proxy.ListenEndPoints);
            output.WriteLine($"kfake {broker.BootstrapServers}, proxy {through}");
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig
            {
                BootstrapServers = through,
                EnableIdempotence = true,
                Acks = Acks.All,
                ReconnectBackoffMaxMs = 200,
            }).Build();
            var topic = "proxy-" + Guid.NewGuid().ToString("N")[..8];
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "a", Value = "before" });

            // Every connection the producer holds goes through the proxy: brokers' own ports see only the proxy.
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = through }).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var proxyPorts = proxy.ListenEndPoints.Select(endPoint => endPoint.Port).ToHashSet();
            Assert.All(metadata.Brokers, advertised => Assert.Contains(advertised.Port, proxyPorts));

            Assert.Equal("ok", proxy.Execute("blackhole 30"));
            var held = producer.ProduceAsync(topic, new Message<string, string> { Key = "a", Value = "held" });
            var first = await Task.WhenAny(held, Task.Delay(TimeSpan.FromSeconds(2)));
            Assert.NotSame(held, first);
            Assert.Equal("ok", proxy.Execute("heal"));
            Assert.Equal(PersistenceStatus.Persisted, (await held).Status);

            Assert.Equal("ok", proxy.Execute("reset"));
            var after = await producer.ProduceAsync(topic, new Message<string, string> { Key = "a", Value = "after reset" });
            Assert.Equal(PersistenceStatus.Persisted, after.Status);
            Assert.StartsWith("error", proxy.Execute("explode"), StringComparison.Ordinal);
        }
        finally
        {
            await stopping.CancelAsync();
            await proxy.DisposeAsync();
        }
    }
}
