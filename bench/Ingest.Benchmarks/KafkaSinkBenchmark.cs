using System.Net;
using BenchmarkDotNet.Attributes;
using Ingest.Delivery;
using Ingest.Delivery.Kafka;
using Ingest.Kafka.Mock;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Benchmarks;

/// <summary>
/// One message through the Kafka sink (begin, the body, complete: produced, acknowledged, settled)
/// into librdkafka's mock cluster in this process, as a session drives it. What it is for is the
/// Allocated column (the sink's own objects per message, deterministic) and the relative cost of
/// changes; the time includes librdkafka's threads and the mock broker, on the same cores.
/// </summary>
[MemoryDiagnoser]
public class KafkaSinkBenchmark
{
    private MockCluster _cluster = null!;
    private KafkaSink _sink = null!;
    private MessageEnvelope _envelope = null!;
    private byte[] _body = [];

    [Params(1024, 102400)]
    public int MessageBytes { get; set; }

    /// <summary>Messages in flight at once, each awaited before its session's next, as SMTP sessions do.</summary>
    [Params(1, 20)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cluster = new MockCluster(brokers: 1);
        _cluster.CreateTopic("bench", 3);
        _sink = new KafkaSink(
            new KafkaOptions
            {
                BootstrapServers = _cluster.BootstrapServers,
                DefaultTopic = "bench",
                InstanceName = "bench",
                Producer = { ["linger.ms"] = "0", ["statistics.interval.ms"] = "0" },
            },
            NullLoggerFactory.Instance);
        _envelope = new MessageEnvelope
        {
            MessageId = "0193a1b2c3d4e5f60718293a4b5c6d7e",
            ReversePath = "sender@example.org",
            Recipients = ["rcpt@example.com"],
            HeloName = "client.example.org",
            ClientEndPoint = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 50123),
            ReceivedAt = DateTimeOffset.UnixEpoch,
            Protocol = "ESMTP",
        };
        _body = new byte[MessageBytes];
        Random.Shared.NextBytes(_body);
        OneSession().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _sink.DisposeAsync();
        _cluster.Dispose();
    }

    [Benchmark]
    public async Task Messages()
    {
        if (Sessions == 1)
        {
            await OneSession();
            return;
        }

        var sessions = new Task[Sessions];
        for (var i = 0; i < sessions.Length; i++)
        {
            sessions[i] = OneSession().AsTask();
        }

        await Task.WhenAll(sessions);
    }

    private async ValueTask OneSession()
    {
        var writer = await _sink.BeginAsync(_envelope, CancellationToken.None);
        await using (writer)
        {
            // The body in 64 KB writes, as the session hands it on.
            for (var offset = 0; offset < _body.Length; offset += 65536)
            {
                var result = await writer.WriteAsync(_body.AsMemory(offset, Math.Min(65536, _body.Length - offset)), CancellationToken.None);
                Check(result);
            }

            Check(await writer.CompleteAsync(CancellationToken.None));
        }
    }

    private static void Check(DeliveryResult result)
    {
        if (!result.IsAccepted)
        {
            throw new InvalidOperationException("not accepted: " + result.Detail);
        }
    }
}
