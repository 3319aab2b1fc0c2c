using System.Text;
using Ingest.Protocol;

namespace Ingest.Session.Tests;

public sealed class SessionDataTests
{
    private const string Envelope = "EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nDATA\r\n";

    private static async Task<SessionHarness> OpenDataAsync(Action<SmtpOptions>? configure = null, TestSink? sink = null)
    {
        var session = new SessionHarness(configure, sink);
        await session.ReadGreetingAsync();
        await session.SendAsync(Envelope);
        var replies = await session.ReadRepliesAsync(4);
        ReplyAssert.Code("354", replies[3]);
        return session;
    }

    [Fact]
    public async Task DeliveredMessageIsTheBodyUnstuffedAfterAReceivedHeader()
    {
        await using var session = await OpenDataAsync();
        await session.SendAsync("Subject: x\r\n\r\n..leading dot\r\nline\r\n.\r\n");
        var reply = await session.ReadReplyAsync();
        var message = session.Sink.Single();
        Assert.Equal($"250 2.0.0 OK: queued as {message.Envelope.MessageId}", reply);
        Assert.Equal("Subject: x\r\n\r\n.leading dot\r\nline\r\n", Encoding.ASCII.GetString(message.Body));
        Assert.Equal("s@y.example", message.Envelope.ReversePath);
        Assert.Equal("c.example", message.Envelope.HeloName);
        Assert.Equal("ESMTP", message.Envelope.Protocol);
    }

    [Fact]
    public async Task ReceivedHeaderFollowsRfc5321Section44()
    {
        await using var session = await OpenDataAsync();
        await session.SendAsync("x\r\n.\r\n");
        await session.ReadReplyAsync();
        var message = session.Sink.Single();
        Assert.Equal(
            "Received: from c.example ([192.0.2.7])\r\n\tby gw.example (Ingest) with ESMTP id " + message.Envelope.MessageId +
            "\r\n\tfor <r@x.example>;\r\n\tSat, 28 Nov 2026 12:00:00 +0000\r\n",
            message.ReceivedHeader);
    }

    [Fact]
    public async Task EmptyBodyIsAValidMessage()
    {
        await using var session = await OpenDataAsync();
        await session.SendAsync(".\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        Assert.Empty(session.Sink.Single().Body);
    }

    [Theory]
    [InlineData("a\n.\nMAIL FROM:<evil@x.example>\r\n")]
    [InlineData("a\r.\rMAIL FROM:<evil@x.example>\r\n")]
    [InlineData("a\n.\r\nMAIL FROM:<evil@x.example>\r\n")]
    [InlineData("a\r\n.\nMAIL FROM:<evil@x.example>\r\n")]
    public async Task SmugglingTerminatorsNeitherEndDataNorStartASecondMessage(string attack)
    {
        // CVE-2023-51764 class: only CRLF.CRLF ends data. Under the default policy the message is refused whole.
        await using var session = await OpenDataAsync();
        await session.SendAsync(attack + "RCPT TO:<victim@x.example>\r\nDATA\r\nsmuggled\r\n.\r\nNOOP\r\n");
        ReplyAssert.Code("550 5.6.0", await session.ReadReplyAsync());
        ReplyAssert.Code("250 2.0.0 OK", await session.ReadReplyAsync());
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
    }

    [Fact]
    public async Task NormalizePolicyStoresBareLineEndsAsCrlfInOneMessage()
    {
        await using var session = await OpenDataAsync(o => o.BareLineEndings = BareLineEndingPolicy.Normalize);
        await session.SendAsync("a\n.\nMAIL FROM:<evil@x.example>\rb\r\n.\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        Assert.Equal("a\r\n.\r\nMAIL FROM:<evil@x.example>\r\nb\r\n", Encoding.ASCII.GetString(session.Sink.Single().Body));
    }

    [Fact]
    public async Task BodyOverTheSizeLimitIsRefusedAfterTheTerminatorAndNothingIsDelivered()
    {
        await using var session = await OpenDataAsync(o => { o.MaxMessageSize = 1024; o.BodyChunkSize = 4096; });
        var send = session.SendAsync(new string('x', 998) + "\r\n" + new string('y', 998) + "\r\n.\r\nNOOP\r\n");
        ReplyAssert.Code("552 5.3.4", await session.ReadReplyAsync());
        ReplyAssert.Code("250 2.0.0 OK", await session.ReadReplyAsync());
        await send;
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
    }

    [Fact]
    public async Task LargeBodyStreamsThroughInChunksAndArrivesWhole()
    {
        await using var session = await OpenDataAsync(o => o.BodyChunkSize = 4096);
        var body = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            body.Append(i % 7 == 0 ? "." : "").Append("line ").Append(i).Append("\r\n");
        }

        var stuffed = body.ToString().Replace("\r\n.", "\r\n..", StringComparison.Ordinal);
        stuffed = stuffed.StartsWith('.') ? "." + stuffed : stuffed;
        var send = session.SendAsync(Encoding.ASCII.GetBytes(stuffed + ".\r\n"), segmentSize: 1000);
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        await send;
        Assert.Equal(body.ToString(), Encoding.ASCII.GetString(session.Sink.Single().Body));
    }

    [Theory]
    [InlineData(TestSink.Behaviour.FailOnComplete, "451 4.3.0")]
    [InlineData(TestSink.Behaviour.ThrowOnComplete, "451 4.3.0")]
    [InlineData(TestSink.Behaviour.FailPermanentlyOnComplete, "554 5.3.0")]
    [InlineData(TestSink.Behaviour.MisconfiguredOnComplete, "451 4.3.5")]
    [InlineData(TestSink.Behaviour.FailOnWrite, "451 4.3.0")]
    public async Task SinkFailuresBecomeTheRightReplyAndTheSessionGoesOn(TestSink.Behaviour behaviour, string expected)
    {
        await using var session = await OpenDataAsync(sink: new TestSink { Mode = behaviour });
        await session.SendAsync("body\r\n.\r\nNOOP\r\n");
        ReplyAssert.Code(expected, await session.ReadReplyAsync());
        ReplyAssert.Code("250 2.0.0 OK", await session.ReadReplyAsync());
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
    }

    [Fact]
    public async Task SinkThatCannotBeginRefusesDataBefore354()
    {
        await using var session = new SessionHarness(sink: new TestSink { Mode = TestSink.Behaviour.FailOnBegin });
        await session.ReadGreetingAsync();
        await session.SendAsync(Envelope);
        var replies = await session.ReadRepliesAsync(4);
        ReplyAssert.Code("451 4.3.0", replies[3]);
    }

    [Fact]
    public async Task ReplyWaitsForTheSinkToConfirmDurability()
    {
        var sink = new TestSink { Mode = TestSink.Behaviour.StallComplete };
        await using var session = await OpenDataAsync(sink: sink);
        await session.SendAsync("body\r\n.\r\n");
        await sink.StallReached.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("", session.TakeBufferedReplies());
        sink.StallRelease.SetResult();
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task ClientThatDisconnectsMidBodyDeliversNothing()
    {
        await using var session = await OpenDataAsync();
        await session.SendAsync("partial body\r\nwithout an end");
        await session.FinishSendingAsync();
        await session.WaitForEndAsync();
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
    }

    [Fact]
    public async Task SecondTransactionOnTheSameSessionIsIndependent()
    {
        await using var session = await OpenDataAsync();
        await session.SendAsync("one\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example>\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(5);
        ReplyAssert.Code("250 2.0.0", replies[0]);
        ReplyAssert.Code("354", replies[4]);
        await session.SendAsync("two\r\n.\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        var second = session.Sink.Delivered.Last();
        Assert.Equal("", second.Envelope.ReversePath);
        Assert.Equal(["a@x.example", "b@x.example"], second.Envelope.Recipients);
        Assert.DoesNotContain("for <", second.ReceivedHeader, StringComparison.Ordinal);
        Assert.Equal("two\r\n", Encoding.ASCII.GetString(second.Body));
    }

    [Fact]
    public async Task SmtpUtf8TransactionIsLabelledUtf8Smtp()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<jörg@y.example> SMTPUTF8 BODY=8BITMIME\r\nRCPT TO:<用户@例子.example>\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(4);
        ReplyAssert.Code("354", replies[3]);
        await session.SendAsync("Subject: ünïcode\r\n\r\nx\r\n.\r\n");
        ReplyAssert.Code("250", await session.ReadReplyAsync());
        var message = session.Sink.Single();
        Assert.Equal("UTF8SMTP", message.Envelope.Protocol);
        Assert.True(message.Envelope.SmtpUtf8);
        Assert.True(message.Envelope.EightBitMime);
        Assert.Equal("用户@例子.example", message.Envelope.Recipients[0]);
    }

    // Found by the transcript property, which reproduces the split deterministically (SegmentedPipeReader):
    // the reply used to depend on how the bytes were split into reads.
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task ABodyBothOversizedAndWithABareCrGets552HoweverItArrives(int segmentSize)
    {
        await using var session = await OpenDataAsync(o => o.MaxMessageSize = 300);
        var body = new string('x', 291) + "\r" + new string('x', 8) + "\r\n.\r\n";
        await session.SendAsync(Encoding.ASCII.GetBytes(body), segmentSize);
        Assert.Equal("552 5.3.4 Message size exceeds fixed maximum message size", await session.ReadReplyAsync());
        Assert.Empty(session.Sink.Delivered);
    }
}
