using System.Net;
using Ingest.Host;
using Ingest.LoadTest;
using Ingest.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Ingest.LoadTest.Tests;

/// <summary>
/// The load generator against the real gateway (in process) delivering into kfake, the independent
/// broker: a retrying run with some transfers broken off mid-data, DATA and BDAT, messages large
/// enough to be chunked; then the topic read back with the consumer library and matched.
/// </summary>
public sealed class KafkaRunTests(ITestOutputHelper output)
{
    [ToolFact("kfake")]
    public async Task RetryingRunIntoKfakeIsFoundWholeAndADroppedCopyWouldBeLost()
    {
        await using var broker = await KfakeBroker.StartAsync(brokers: 3, partitions: 3);
        var topic = "loadtest-" + Guid.NewGuid().ToString("N")[..12];
        var app = IngestApp.Build(
        [
            "--Ingest:Server:Endpoints:0=127.0.0.1:0",
            "--Ingest:Management:Endpoint=127.0.0.1:0",
            "--Ingest:Management:DrainDelay=00:00:00",
            "--Ingest:Smtp:HostName=gw.test",
            $"--Ingest:Kafka:BootstrapServers={broker.BootstrapServers}",
            $"--Ingest:Kafka:DefaultTopic={topic}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        try
        {
            var endPoint = app.Services.GetRequiredService<SmtpListeners>().EndPoints.Single();
            var options = new LoadOptions
            {
                EndPoint = new IPEndPoint(IPAddress.Loopback, endPoint.Port),
                Connections = 3,
                Total = 60,
                Sizes = SizeDistribution.TryParse("2k:80,1200k:20", out var sizes, out _) ? sizes : throw new InvalidOperationException(),
                MixedTransfer = true,
                AbandonFraction = 0.2,
                Retry = new RetryPolicy(10, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2)),
                ReplyTimeout = TimeSpan.FromMinutes(1),
                Duration = TimeSpan.FromMinutes(2),
            };
            var runner = new LoadRunner(options, new MessageFactory(options.Sizes, null));
            await runner.RunAsync(CancellationToken.None);
            var (copies, counters) = KafkaTopicScan.Read(broker.BootstrapServers, topic, TimeSpan.FromSeconds(3), CancellationToken.None);
            var sender = SenderSummary.Build(runner.Ledger.Records, options.Retry);
            var result = KafkaMatcher.Match(topic, runner.Ledger.Records, copies, counters);
            output.WriteLine($"{sender}\n{result}");

            Assert.True(sender.EveryMessageAcceptedOnce, sender.ToString());
            Assert.True(sender.Attempts > sender.Messages, "some transfers were broken off and sent again");
            Assert.True(result.Passed, result.ToString());
            Assert.Equal((60, 60, 60), (result.Offered, result.Accepted, result.Found));
            Assert.Equal(0, result.VisibleAfterAbandon);
            Assert.True(counters.Completed >= 60);

            // The same read, one accepted copy short: the check notices.
            var withoutOne = copies.Where(copy => copy.LoadId != copies[0].LoadId).ToList();
            Assert.Equal(1, KafkaMatcher.Match(topic, runner.Ledger.Records, withoutOne, counters).Lost);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
