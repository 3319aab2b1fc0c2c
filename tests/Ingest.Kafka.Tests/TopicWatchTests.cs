using System.Net;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Ingest.Delivery.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// Kafka-side misconfiguration (issue 13): a routed topic that is missing, refused or too small
/// fails its own route at once with 451 4.3.5, is named in the log and the kafka.topic.misconfigured
/// metric, and leaves readiness to the routes that work; records follow each topic's real limit; a
/// limit the gateway cannot fit under stops start-up naming the key. Against kfake with topic
/// auto-creation off; TOPIC_AUTHORIZATION_FAILED needs ACLs, which the kfake command does not turn
/// on, so that case runs against librdkafka's mock, which sets a topic error in its metadata.
/// </summary>
public sealed class TopicWatchTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // Far longer than any test waits: a reply that comes is a reply that did not wait for it.
    private const string LongDeadline = "Ingest:Kafka:DeliveryTimeout=00:02:30";

    private static string NewTopic(string what) => $"ingest-{what}-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task CreateTopicAsync(string bootstrapServers, string topic, int? maxMessageBytes = null, int partitions = 3)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var specification = new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 };
        if (maxMessageBytes is { } bytes)
        {
            specification.Configs = new Dictionary<string, string> { ["max.message.bytes"] = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        await admin.CreateTopicsAsync([specification]);
    }

    /// <summary>
    /// Sends one 1 KB message to <paramref name="recipient"/> with DATA; returns the reply to the end
    /// of data, or to DATA itself when the sink refused the message before its body (RFC 5321 4.3.2: DATA may be answered 451).
    /// </summary>
    private static async Task<string> SendAsync(KafkaGateway gateway, string recipient)
    {
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\n");
        await client.ExpectAsync("250");
        await client.SendAsync($"MAIL FROM:<bob@example.org>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        var data = await client.ReadReplyAsync().WaitAsync(Bound) ?? "<closed>";
        if (!data.StartsWith("354", StringComparison.Ordinal))
        {
            return data;
        }

        await client.SendAsync("Subject: route test\r\n\r\n" + new string('x', 1024) + "\r\n.\r\n");
        var reply = await client.ReadReplyAsync().WaitAsync(Bound);
        return reply ?? "<closed>";
    }

    private static Task WhenAsync(KafkaSink sink, Func<TopicWatch, bool> condition)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition(sink.Topics))
            {
                reached.TrySetResult();
            }
        }

        sink.Topics.Changed += Check;
        Check();
        return reached.Task.WaitAsync(Bound).ContinueWith(task => { sink.Topics.Changed -= Check; return task; }, TaskScheduler.Default).Unwrap();
    }

    private static Dictionary<string, long> Misconfigured(KafkaGateway gateway)
    {
        var metrics = gateway.Services.GetRequiredService<KafkaMetrics>();
        using var collector = new MetricCollector<long>(metrics.Meter, "kafka.topic.misconfigured");
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["kafka.topic"]!, m => m.Value);
    }

    [ToolFact("kfake")]
    public async Task AMissingTopicFailsItsOwnRouteAtOnceAndLeavesTheOthersDeliveringAndReady()
    {
        await using var broker = await KfakeBroker.StartAsync(partitions: 3, autoCreate: false);
        output.WriteLine($"Kafka: kfake at {broker.BootstrapServers}, topic auto-creation off");
        var good = NewTopic("good");
        var missing = NewTopic("missing");
        await CreateTopicAsync(broker.BootstrapServers, good);
        await using var gateway = await KafkaGateway.StartAsync(broker.BootstrapServers, good, LongDeadline, $"Ingest:Kafka:TopicsByDomain:typo.example={missing}");
        using var http = new HttpClient { BaseAddress = gateway.Management, Timeout = Bound };

        // Checked before the listeners opened: the route is known bad from the first message on.
        Assert.Equal(TopicProblem.Missing, gateway.Sink.Topics.StateOf(missing).Problem);
        Assert.StartsWith("451 4.3.5 ", await SendAsync(gateway, "alice@typo.example"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 ", await SendAsync(gateway, "alice@example.com"), StringComparison.Ordinal);
        Assert.StartsWith("451 4.3.5 ", await SendAsync(gateway, "carol@typo.example"), StringComparison.Ordinal);

        // The other route works, so this instance stays in the load balancer.
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.NotEqual(KafkaHealth.Unavailable, gateway.Sink.Health);
        Assert.Equal(new Dictionary<string, long> { [good] = 0, [missing] = 1 }, Misconfigured(gateway));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains(missing, metrics, StringComparison.Ordinal);
    }

    [ToolFact("kfake")]
    public async Task ATopicCreatedAfterStartIsFoundWithoutARestartAndReadinessFollowsIt()
    {
        await using var broker = await KfakeBroker.StartAsync(partitions: 3, autoCreate: false);
        output.WriteLine($"Kafka: kfake at {broker.BootstrapServers}, topic auto-creation off");
        var topic = NewTopic("late");
        await using var gateway = await KafkaGateway.StartAsync(broker.BootstrapServers, topic, LongDeadline, "Ingest:Kafka:TopicRefreshInterval=00:00:00.200");
        using var http = new HttpClient { BaseAddress = gateway.Management, Timeout = Bound };

        // The only routed topic is missing: this instance can accept nothing, so it is not ready.
        Assert.Equal(TopicProblem.Missing, gateway.Sink.Topics.StateOf(topic).Problem);
        var notReady = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("kafka: no routed topic is usable\n", await notReady.Content.ReadAsStringAsync());
        Assert.StartsWith("451 4.3.5 ", await SendAsync(gateway, "alice@example.com"), StringComparison.Ordinal);

        var usable = WhenAsync(gateway.Sink, watch => watch.StateOf(topic).IsUsable);
        await CreateTopicAsync(broker.BootstrapServers, topic);
        await usable;
        Assert.StartsWith("250 2.0.0 ", await SendAsync(gateway, "alice@example.com"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
    }

    [ToolFact("kfake")]
    public async Task RecordsAndBatchesFollowATopicLimitBelowTheConfiguredRecordSize()
    {
        await using var broker = await KfakeBroker.StartAsync(partitions: 1, autoCreate: false);
        output.WriteLine($"Kafka: kfake at {broker.BootstrapServers}, topic max.message.bytes 300000");
        const int Limit = 300_000;
        var topic = NewTopic("small");
        await CreateTopicAsync(broker.BootstrapServers, topic, Limit, partitions: 1);
        await using var gateway = await KafkaGateway.StartAsync(broker.BootstrapServers, topic, LongDeadline);
        Assert.Equal(Limit, gateway.Sink.Topics.StateOf(topic).MaxMessageBytes);
        Assert.Equal(Limit - TopicLimits.BatchOverheadBytes, gateway.Sink.Topics.StateOf(topic).RecordBytes);

        // 600 KB messages (the case: 451 every time before), several at once into one
        // partition, so chunk records of different messages could share a batch.
        var messages = Enumerable.Range(0, 4).Select(i => Mail.Message(600 * 1024 + i)).ToList();
        var ids = await Task.WhenAll(messages.Select(message => Mail.SendAsync(gateway, message, useData: true)));

        var records = TopicReader.ReadUntil(broker.BootstrapServers, topic, 1, read => TopicReader.Closed(read, ids));
        foreach (var record in records)
        {
            var size = (record.Key?.Length ?? 0) + record.Value.Length + record.Headers.Sum(header => header.Key.Length + header.Value.Length);
            Assert.True(size <= Limit - TopicLimits.BatchOverheadBytes, $"a record of {size} bytes for a topic limit of {Limit}");
        }

        var delivered = TopicReader.Reassemble(records, out var counters);
        Assert.Equal(0, counters.Duplicates + counters.Corrupt + counters.Incomplete);
        for (var i = 0; i < ids.Length; i++)
        {
            var message = delivered.Single(m => m.Envelope.MessageId == ids[i]);
            var wire = Mail.WireBytes(messages[i]);
            Assert.Equal(wire, message.Value[^wire.Length..]);
            Assert.True(message.Records > 1);
        }
    }

    [ToolFact("kfake")]
    public async Task RecordsFollowABrokerWideLimitThatTheTopicInherits()
    {
        // The case: a broker at 300 KB (message.max.bytes), a 600 KB message, 451 every time before.
        const int Limit = 300_000;
        await using var broker = await KfakeBroker.StartAsync(partitions: 1, autoCreate: false, maxMessageBytes: Limit);
        output.WriteLine($"Kafka: kfake at {broker.BootstrapServers}, broker message.max.bytes {Limit}");
        var topic = NewTopic("inherits");
        await CreateTopicAsync(broker.BootstrapServers, topic, partitions: 1);
        await using var gateway = await KafkaGateway.StartAsync(broker.BootstrapServers, topic, LongDeadline);
        Assert.Equal(Limit, gateway.Sink.Topics.StateOf(topic).MaxMessageBytes);

        var message = Mail.Message(600 * 1024);
        var id = await Mail.SendAsync(gateway, message, useData: false);
        var records = TopicReader.ReadUntil(broker.BootstrapServers, topic, 1, read => TopicReader.Closed(read, id));
        var delivered = TopicReader.Reassemble(records, out var counters).Single();
        Assert.Equal(0, counters.Duplicates + counters.Corrupt + counters.Incomplete);
        var wire = Mail.WireBytes(message);
        Assert.Equal(wire, delivered.Value[^wire.Length..]);
    }

    [ToolFact("kfake")]
    public async Task ATopicLimitTooSmallForAnyRecordStopsStartUpNamingTheKey()
    {
        await using var broker = await KfakeBroker.StartAsync(partitions: 1, autoCreate: false);
        output.WriteLine($"Kafka: kfake at {broker.BootstrapServers}, topic max.message.bytes 20000");
        var good = NewTopic("good");
        var tiny = NewTopic("tiny");
        await CreateTopicAsync(broker.BootstrapServers, good);
        await CreateTopicAsync(broker.BootstrapServers, tiny, 20_000);

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            KafkaGateway.StartAsync(broker.BootstrapServers, good, LongDeadline, $"Ingest:Kafka:TopicsByDomain:small.example={tiny}"));
        output.WriteLine(refused.Message);
        Assert.Contains("Ingest:Kafka:TopicsByDomain:small.example", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"'{tiny}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("max.message.bytes", refused.Message, StringComparison.Ordinal);
        Assert.Contains("20000", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Broker", "mock-only")]
    public async Task ARefusedTopicFailsItsOwnRouteAtOnceAndLeavesReadinessAlone()
    {
        using var cluster = new MockCluster();
        output.WriteLine($"Kafka: librdkafka mock cluster at {cluster.BootstrapServers} (TOPIC_AUTHORIZATION_FAILED set on one topic's metadata)");
        var good = NewTopic("good");
        var refused = NewTopic("refused");
        cluster.CreateTopic(good, 1);
        cluster.CreateTopic(refused, 1);
        const int TopicAuthorizationFailed = 29;
        cluster.SetTopicError(refused, TopicAuthorizationFailed);
        await using var gateway = await KafkaGateway.StartAsync(cluster.BootstrapServers, good, LongDeadline, $"Ingest:Kafka:TopicsByDomain:locked.example={refused}");
        using var http = new HttpClient { BaseAddress = gateway.Management, Timeout = Bound };

        Assert.Equal(TopicProblem.Refused, gateway.Sink.Topics.StateOf(refused).Problem);
        Assert.StartsWith("451 4.3.5 ", await SendAsync(gateway, "alice@locked.example"), StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0 ", await SendAsync(gateway, "alice@example.com"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        Assert.Equal(new Dictionary<string, long> { [good] = 0, [refused] = 1 }, Misconfigured(gateway));
    }
}
