using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ingest.Session.Tests;

/// <summary>A transcript produces exactly the expected counts (issue 4).</summary>
public sealed class SessionMetricsTests
{
    private static long Sum<T>(MetricCollector<T> collector, string tag, string value)
        where T : struct =>
        collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue(tag, out var actual) && Equals(actual, value)).Sum(m => Convert.ToInt64(m.Value, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task AcceptedTransactionIsCountedOnceWithItsCommandsRepliesSizeAndRecipients()
    {
        var metrics = SmtpMetrics.Standalone();
        using var commands = new MetricCollector<long>(metrics.Meter, "smtp.server.commands");
        using var replies = new MetricCollector<long>(metrics.Meter, "smtp.server.replies");
        using var started = new MetricCollector<long>(metrics.Meter, "smtp.server.transactions.started");
        using var transactions = new MetricCollector<long>(metrics.Meter, "smtp.server.transactions");
        using var recipients = new MetricCollector<int>(metrics.Meter, "smtp.server.message.recipients");
        using var sizes = new MetricCollector<long>(metrics.Meter, "smtp.server.message.size");
        using var received = new MetricCollector<long>(metrics.Meter, "smtp.server.received");
        using var durations = new MetricCollector<double>(metrics.Meter, "smtp.server.delivery.duration");

        await using (var session = new SessionHarness(metrics: metrics))
        {
            await session.ReadGreetingAsync();
            await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example>\r\nNOPE\r\nDATA\r\n");
            await session.ReadRepliesAsync(6);
            await session.SendAsync("Subject: x\r\n\r\nhello\r\n.\r\nQUIT\r\n");
            await session.ReadToEndAsync();
            await session.WaitForEndAsync();
            Assert.Equal(SessionEnd.Quit, session.End);
        }

        // Commands and replies are observable counters: read them once, as an exporter would.
        commands.RecordObservableInstruments();
        replies.RecordObservableInstruments();
        Assert.Equal(1, Sum(commands, "smtp.command", "EHLO"));
        Assert.Equal(1, Sum(commands, "smtp.command", "MAIL"));
        Assert.Equal(2, Sum(commands, "smtp.command", "RCPT"));
        Assert.Equal(1, Sum(commands, "smtp.command", "UNKNOWN"));
        Assert.Equal(1, Sum(commands, "smtp.command", "DATA"));
        Assert.Equal(1, Sum(commands, "smtp.command", "QUIT"));
        Assert.Equal(7, commands.GetMeasurementSnapshot().Sum(m => m.Value));

        // 220, 250 EHLO, 250 MAIL, 250 RCPT x2, 250 queued, 221; 354; 500.
        Assert.Equal(7, Sum(replies, "smtp.reply.class", "2xx"));
        Assert.Equal(1, Sum(replies, "smtp.reply.class", "3xx"));
        Assert.Equal(1, Sum(replies, "smtp.reply.class", "5xx"));
        Assert.Equal(2, Sum(replies, "smtp.reply.enhanced_code", "2.1.5"));
        Assert.Equal(1, Sum(replies, "smtp.reply.enhanced_code", "5.5.1"));
        Assert.Equal(3, Sum(replies, "smtp.reply.enhanced_code", "none"));

        Assert.Equal(1, started.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(1, Sum(transactions, "smtp.transaction.result", "accepted"));
        Assert.Single(transactions.GetMeasurementSnapshot());
        Assert.Equal(2, Assert.Single(recipients.GetMeasurementSnapshot()).Value);
        Assert.Equal("Subject: x\r\n\r\nhello\r\n".Length, Assert.Single(sizes.GetMeasurementSnapshot()).Value);
        Assert.Equal("Subject: x\r\n\r\nhello\r\n".Length, received.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Single(durations.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task RejectedAndAbandonedTransactionsAreCountedWithTheirReason()
    {
        var metrics = SmtpMetrics.Standalone();
        using var transactions = new MetricCollector<long>(metrics.Meter, "smtp.server.transactions");
        using var received = new MetricCollector<long>(metrics.Meter, "smtp.server.received");
        await using (var session = new SessionHarness(o => o.MaxMessageSize = 1024, metrics: metrics))
        {
            await session.ReadGreetingAsync();
            await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n");
            await session.ReadRepliesAsync(4);
            await session.SendAsync(new string('x', 2000) + "\r\n.\r\nMAIL FROM:<s@y.example>\r\nRSET\r\nQUIT\r\n");
            await session.ReadToEndAsync();
        }

        Assert.Equal(1, Sum(transactions, "smtp.transaction.reason", "message_too_big"));
        Assert.Equal(1, Sum(transactions, "smtp.transaction.result", "rejected"));
        Assert.Equal(1, Sum(transactions, "smtp.transaction.result", "abandoned"));
        Assert.Equal(2002, received.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task TransactionSpanCarriesTheDeliverySpanWhoseTraceParentReachesTheSink()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SmtpTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (stopped) { stopped.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);

        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.example>\r\nDATA\r\n");
        await session.ReadRepliesAsync(4);
        await session.SendAsync("x\r\n.\r\n");
        await session.ReadReplyAsync();

        var envelope = session.Sink.Single().Envelope;
        Activity transaction, delivery;
        lock (stopped)
        {
            // The listener is process-wide and other tests run alongside: pick this message's spans.
            var mine = stopped.Where(a => Equals(a.GetTagItem("messaging.message.id"), envelope.MessageId)).ToList();
            transaction = Assert.Single(mine, a => a.OperationName == "smtp.transaction");
            delivery = Assert.Single(mine, a => a.OperationName == "smtp.deliver");
        }

        Assert.Equal(transaction.SpanId, delivery.ParentSpanId);
        Assert.Equal(transaction.TraceId, delivery.TraceId);
        Assert.Equal(delivery.Id, envelope.TraceParent);
        Assert.StartsWith($"00-{transaction.TraceId}-", envelope.TraceParent, StringComparison.Ordinal);
        Assert.Equal("accepted", transaction.GetTagItem("smtp.transaction.result"));
        Assert.Equal(envelope.MessageId, transaction.GetTagItem("messaging.message.id"));
        Assert.Equal("192.0.2.7", transaction.GetTagItem("network.peer.address"));
    }

    [Fact]
    public async Task StartTlsAndAuthAttemptsAreCountedWithBoundedTags()
    {
        var metrics = SmtpMetrics.Standalone();
        using var tls = new MetricCollector<long>(metrics.Meter, "smtp.server.tls.sessions");
        using var auth = new MetricCollector<long>(metrics.Meter, "smtp.server.auth.attempts");
        var plain = Convert.ToBase64String("\0alice\0wonderland"u8.ToArray());
        var wrong = Convert.ToBase64String("\0alice\0guess"u8.ToArray());
        await using (var session = new SessionHarness(
            metrics: metrics,
            connected: connection => connection with { StartTls = new FakeStartTls() },
            authenticator: new FakeAuthenticator()))
        {
            await session.ReadGreetingAsync();
            await session.SendAsync("EHLO c.example\r\nSTARTTLS\r\n");
            await session.ReadRepliesAsync(2);
            await session.SendAsync($"EHLO c.example\r\nAUTH PLAIN {wrong}\r\nAUTH PLAIN {plain}\r\nQUIT\r\n");
            await session.ReadToEndAsync();
            await session.WaitForEndAsync();
        }

        var established = Assert.Single(tls.GetMeasurementSnapshot());
        Assert.Equal("TLSv1.3", established.Tags["tls.protocol.version"]);
        Assert.Equal("TLS_AES_128_GCM_SHA256", established.Tags["tls.cipher"]);
        Assert.Equal(1, Sum(auth, "smtp.auth.outcome", "failed"));
        Assert.Equal(1, Sum(auth, "smtp.auth.outcome", "succeeded"));
        Assert.All(auth.GetMeasurementSnapshot(), m => Assert.Equal("PLAIN", m.Tags["sasl.mechanism"]));
    }
}
