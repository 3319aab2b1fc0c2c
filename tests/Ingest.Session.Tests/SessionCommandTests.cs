namespace Ingest.Session.Tests;

public sealed class SessionCommandTests
{
    [Fact]
    public async Task GreetingNamesTheHostWithoutEnhancedCode()
    {
        await using var session = new SessionHarness();
        Assert.Equal("220 gw.example ESMTP Ingest ready", await session.ReadGreetingAsync());
    }

    [Fact]
    public async Task EhloAdvertisesTheExtensionsAndTheSizeLimit()
    {
        await using var session = new SessionHarness(o => o.MaxMessageSize = 1000000);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO client.example\r\n");
        var lines = (await session.ReadReplyAsync()).Split('\n');
        Assert.Equal("250-gw.example", lines[0]);
        Assert.Equal(
            ["PIPELINING", "SIZE 1000000", "8BITMIME", "SMTPUTF8", "CHUNKING", "BINARYMIME", "DSN", "LIMITS RCPTMAX=100 MAILMAX=1000", "ENHANCEDSTATUSCODES"],
            lines[1..].Select(line => line[4..]));
        Assert.StartsWith("250 ", lines[^1]);
    }

    [Fact]
    public async Task HeloGetsAPlainReplyAndNoExtensions()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("HELO client.example\r\nMAIL FROM:<a@b.example> SIZE=10\r\nBDAT 3 LAST\r\nabc");
        Assert.Equal("250 gw.example", await session.ReadReplyAsync());
        ReplyAssert.Code("555 5.5.4", await session.ReadReplyAsync());
        // CHUNKING was not offered to a HELO client; its chunk is still framed and skipped.
        ReplyAssert.Code("503 5.5.1", await session.ReadReplyAsync());
        await session.SendAsync("NOOP\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.example>", "503 5.5.1")]
    [InlineData("RCPT TO:<a@b.example>", "503 5.5.1")]
    [InlineData("DATA", "503 5.5.1")]
    public async Task TransactionCommandsBeforeHelloAreOutOfSequence(string command, string expected)
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync(command + "\r\n");
        ReplyAssert.Code(expected, await session.ReadReplyAsync());
    }

    [Fact]
    public async Task SequenceErrorsFollowTheStateTable()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync(
            "EHLO c.example\r\nRCPT TO:<r@x.example>\r\nDATA\r\nMAIL FROM:<s@y.example>\r\nMAIL FROM:<s@y.example>\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(6);
        ReplyAssert.Code("250", replies[0]);
        ReplyAssert.Code("503 5.5.1", replies[1]);
        ReplyAssert.Code("503 5.5.1", replies[2]);
        ReplyAssert.Code("250 2.1.0", replies[3]);
        ReplyAssert.Code("503 5.5.1", replies[4]);
        // RFC 5321 3.3: DATA with no accepted recipient.
        ReplyAssert.Code("554 5.5.1", replies[5]);
    }

    [Theory]
    [InlineData("FOO", "500 5.5.1")]
    [InlineData("HELOX x.example", "500 5.5.1")]
    [InlineData("EHLO", "501 5.5.4")]
    [InlineData("EHLO bad_name!", "501 5.5.4")]
    [InlineData("RSET now", "501 5.5.4")]
    [InlineData("VRFY", "501 5.5.4")]
    [InlineData("VRFY someone", "252 2.5.0")]
    [InlineData("HELP", "214 2.0.0")]
    [InlineData("NOOP anything at all", "250 2.0.0")]
    [InlineData("EXPN list", "502 5.5.1")]
    [InlineData("STARTTLS", "502 5.5.1")]
    public async Task EveryCommandGetsItsReply(string command, string expected)
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync(command + "\r\n");
        ReplyAssert.Code(expected, await session.ReadReplyAsync());
    }

    [Theory]
    [InlineData("MAIL FROM:<a@b.example> FOO=BAR", "555 5.5.4")]
    [InlineData("MAIL FROM:<a@b.example> SIZE=abc", "501 5.5.4")]
    [InlineData("MAIL FROM:<a@b.example> SIZE=99999999999", "552 5.3.4")]
    [InlineData("MAIL FROM:<a@b.example> BODY=BINARYMIME", "250 2.1.0")]
    [InlineData("MAIL FROM:<a@b.example> BODY=BINARY", "501 5.5.4")]
    [InlineData("MAIL FROM:<a@b.example> REQUIRETLS", "530 5.7.10")]
    [InlineData("MAIL FROM:<a@b.example> RET=HDRS ENVID=x+2By", "250 2.1.0")]
    [InlineData("MAIL FROM:<a@b.example> RET=NONE", "501 5.5.4")]
    [InlineData("MAIL FROM:<a@b.example> ENVID=a+2b", "501 5.5.4")]
    [InlineData("MAIL FROM:<a@b.example> ENVID=a ENVID=b", "501 5.5.4")]
    [InlineData("MAIL FROM:a@b.example", "501 5.1.7")]
    [InlineData("MAIL FROM:<a@@b.example>", "501 5.1.7")]
    [InlineData("MAIL FROM:<jörg@b.example>", "553 5.6.7")]
    [InlineData("MAIL FROM:<jörg@b.example> SMTPUTF8", "250 2.1.0")]
    [InlineData("MAIL FROM:<>", "250 2.1.0")]
    [InlineData("MAIL FROM: <a@b.example>", "250 2.1.0")]
    public async Task MailParametersAndPathsAreChecked(string command, string expected)
    {
        await using var session = new SessionHarness(o => o.MaxMessageSize = 1_000_000);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\n" + command + "\r\n");
        await session.ReadReplyAsync();
        ReplyAssert.Code(expected, await session.ReadReplyAsync());
    }

    [Theory]
    [InlineData("RCPT TO:<r@x.example> NOTIFY=NEVER", "250 2.1.5")]
    [InlineData("RCPT TO:<r@x.example> NOTIFY=NEVER,DELAY", "501 5.5.4")]
    [InlineData("RCPT TO:<r@x.example> NOTIFY=DELAY NOTIFY=DELAY", "501 5.5.4")]
    [InlineData("RCPT TO:<r@x.example> ORCPT=rfc822;r+2B1@x.example", "250 2.1.5")]
    [InlineData("RCPT TO:<r@x.example> ORCPT=rfc822", "501 5.5.4")]
    [InlineData("RCPT TO:<r@x.example> ORCPT=utf-8;用户@x.example", "553 5.6.7")]
    [InlineData("RCPT TO:<r@x.example> ORCPT=utf-8;\\x{7528}@x.example", "250 2.1.5")]
    [InlineData("RCPT TO:<r@x.example> SIZE=1", "555 5.5.4")]
    [InlineData("RCPT TO:<>", "501 5.1.3")]
    [InlineData("RCPT TO:<Postmaster>", "250 2.1.5")]
    [InlineData("RCPT TO:<user@[192.0.2.1]>", "250 2.1.5")]
    [InlineData("RCPT TO:<user@[IPv6:2001:db8::1]>", "250 2.1.5")]
    [InlineData("RCPT TO:<\"quoted user\"@x.example>", "250 2.1.5")]
    [InlineData("RCPT TO:<ünï@x.example>", "553 5.6.7")]
    public async Task RecipientsAreChecked(string command, string expected)
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\n" + command + "\r\n");
        await session.ReadRepliesAsync(2);
        ReplyAssert.Code(expected, await session.ReadReplyAsync());
    }

    [Fact]
    public async Task RecipientsBeyondTheLimitGet452AndTheOthersStillGetTheMessage()
    {
        await using var session = new SessionHarness(o => o.MaxRecipients = 2);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example>\r\nRCPT TO:<c@x.example>\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(6);
        ReplyAssert.Code("452 4.5.3", replies[4]);
        ReplyAssert.Code("354", replies[5]);
        await session.SendAsync("Subject: hi\r\n\r\nbody\r\n.\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        Assert.Equal(["a@x.example", "b@x.example"], session.Sink.Single().Envelope.Recipients);
    }

    // RFC 9422 3, 4: the advertised limits are the configured ones.
    [Fact]
    public async Task EhloAdvertisesTheConfiguredLimits()
    {
        await using var session = new SessionHarness(o => (o.MaxRecipients, o.MaxTransactionsPerSession) = (7, 3));
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO client.example\r\n");
        Assert.Contains("250-LIMITS RCPTMAX=7 MAILMAX=3", (await session.ReadReplyAsync()).Split('\n'));
    }

    [Fact]
    public async Task EhloLeavesMailMaxOutWhenTransactionsAreUnlimited()
    {
        await using var session = new SessionHarness(o => o.MaxTransactionsPerSession = 0);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO client.example\r\n");
        Assert.Contains("250-LIMITS RCPTMAX=100", (await session.ReadReplyAsync()).Split('\n'));
    }

    // RFC 9422 4.2: a client that keeps to RCPTMAX is never refused for the count; one more gets 452.
    [Fact]
    public async Task RecipientsUpToRcptMaxAreAcceptedAndTheNextGets452()
    {
        await using var session = new SessionHarness(o => o.MaxRecipients = 3);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\n"
            + string.Concat(Enumerable.Range(0, 4).Select(i => $"RCPT TO:<r{i}@x.example>\r\n")));
        var replies = await session.ReadRepliesAsync(6);
        Assert.All(replies[2..5], reply => ReplyAssert.Code("250 2.1.5", reply));
        ReplyAssert.Code("452 4.5.3", replies[5]);
    }

    // RFC 9422 4.1: MAILMAX transactions are served, whatever became of them; the next MAIL ends the session.
    [Fact]
    public async Task TheMailCommandPastMailMaxGets421AndTheSessionEnds()
    {
        await using var session = new SessionHarness(o => o.MaxTransactionsPerSession = 2);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\n"
            + "MAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nDATA\r\nhi\r\n.\r\n"
            + "MAIL FROM:<s@y.example>\r\nRSET\r\n"
            + "MAIL FROM:<s@y.example>\r\nNOOP\r\n");
        await session.ReadReplyAsync();
        var replies = await session.ReadToEndAsync();
        ReplyAssert.Code("250 2.0.0", replies[3]);
        ReplyAssert.Code("250 2.1.0", replies[4]);
        ReplyAssert.Code("250 2.0.0", replies[5]);
        ReplyAssert.Code("421 4.7.0", replies[6]);
        Assert.Equal(7, replies.Count);
        session.Sink.Single();
    }

    [Fact]
    public async Task OverlongLineIsRefusedOnceAndTheSessionContinues()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        // 1 MB without a line end, then the end: one 500 5.5.6, and the next command works.
        var send = session.SendAsync("NOOP " + new string('x', 1024 * 1024) + "\r\nNOOP\r\n");
        ReplyAssert.Code("500 5.5.6", await session.ReadReplyAsync());
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        await send;
    }

    [Fact]
    public async Task LineOfExactlyTheLimitIsAccepted()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        var noop = "NOOP " + new string('x', 512 - 7);
        await session.SendAsync(noop + "\r\n" + noop + "x\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        ReplyAssert.Code("500 5.5.6", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task BareLineFeedCommandIsNeverExecuted()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nDATA\n");
        var replies = await session.ReadRepliesAsync(4);
        ReplyAssert.Code("500 5.5.2", replies[3]);
        await session.SendAsync("NOOP\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        Assert.Empty(session.Sink.Delivered);
    }

    [Fact]
    public async Task TooManyBadCommandsEndTheSessionWith421()
    {
        await using var session = new SessionHarness(o => o.MaxBadCommands = 3);
        await session.ReadGreetingAsync();
        await session.SendAsync("BAD1\r\nBAD2\r\nBAD3\r\nBAD4\r\nNOOP\r\n");
        var replies = await session.ReadToEndAsync();
        Assert.Equal(["500 5.5.1 Command unrecognized", "500 5.5.1 Command unrecognized", "500 5.5.1 Command unrecognized", "500 5.5.1 Command unrecognized", "421 4.7.0 Too many errors, closing connection"], replies);
        await session.WaitForEndAsync();
    }

    [Fact]
    public async Task QuitRepliesAndIgnoresAnythingAfterIt()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("QUIT\r\nNOOP\r\n");
        Assert.Equal(["221 2.0.0 Bye"], await session.ReadToEndAsync());
        await session.WaitForEndAsync();
    }

    [Fact]
    public async Task TenThousandPipelinedCommandsGetTenThousandRepliesInOrder()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        var commands = string.Concat(Enumerable.Range(0, 10_000).Select(i => i % 2 == 0 ? "NOOP\r\n" : "RSET\r\n"));
        var send = session.SendAsync(commands);
        var replies = await session.ReadRepliesAsync(10_000);
        Assert.All(replies, reply => Assert.Equal("250 2.0.0 OK", reply));
        await send;
    }

    [Fact]
    public async Task PipelinedRepliesAreFlushedTogetherOnceTheInputIsDrained()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nRCPT TO:<q@x.example>\r\nNOOP\r\n");
        // RFC 2920 3.2: one flush once the group is read; the first reply's arrival brings them all.
        var first = await session.ReadLineAsync();
        Assert.Equal("250-gw.example", first);
        var rest = session.TakeBufferedReplies();
        Assert.EndsWith("250 2.1.5 Recipient OK\r\n250 2.0.0 OK\r\n", rest);
    }

    [Fact]
    public async Task RsetForgetsTheTransaction()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nRSET\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(5);
        ReplyAssert.Code("250 2.0.0", replies[3]);
        ReplyAssert.Code("503 5.5.1", replies[4]);
    }
}
