using System.Diagnostics;
using Ingest.Session;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// The transaction span's trace continues in Kafka (issue 4): the consumer reads a W3C traceparent
/// whose trace id is the gateway's transaction span's, and whose parent is its delivery span.
/// </summary>
public sealed class TracePropagationTests(KafkaTarget kafka, ITestOutputHelper output) : IClassFixture<KafkaTarget>
{
    [Fact]
    public async Task ConsumerSeesTheTraceOfTheTransactionSpan()
    {
        output.WriteLine(kafka.Description);
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SmtpTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) { stopped.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);

        var topic = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        var id = await Mail.SendAsync(gateway, Mail.Message(2048), useData: false);

        var records = TopicReader.ReadUntil(kafka.BootstrapServers, topic, 3, read => TopicReader.Closed(read, id));
        var envelope = Assert.Single(TopicReader.Reassemble(records, out _)).Envelope;
        Assert.NotNull(envelope.TraceParent);
        var consumed = ActivityContext.Parse(envelope.TraceParent, envelope.TraceState);

        Activity transaction, delivery;
        lock (stopped)
        {
            // The listener sees every gateway in this test process: pick this message's spans.
            var mine = stopped.Where(a => Equals(a.GetTagItem("messaging.message.id"), id)).ToList();
            transaction = Assert.Single(mine, a => a.OperationName == "smtp.transaction");
            delivery = Assert.Single(mine, a => a.OperationName == "smtp.deliver");
        }

        Assert.Equal(transaction.TraceId, consumed.TraceId);
        Assert.Equal(delivery.SpanId, consumed.SpanId);
        Assert.Equal(transaction.SpanId, delivery.ParentSpanId);
    }
}
