using System.Text;

namespace Ingest.Session.Tests;

public sealed class SessionBdatTests
{
    private const string Envelope = "EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\n";

    private static async Task<SessionHarness> OpenAsync(Action<SmtpOptions>? configure = null, TestSink? sink = null)
    {
        var session = new SessionHarness(configure, sink);
        await session.ReadGreetingAsync();
        await session.SendAsync(Envelope);
        await session.ReadRepliesAsync(3);
        return session;
    }

    [Fact]
    public async Task ChunksArriveInOrderAndLastCompletesTheMessage()
    {
        await using var session = await OpenAsync();
        // RFC 3030: octets are taken as they are, no dot-stuffing: ".\r\n" inside a chunk is content.
        await session.SendAsync("BDAT 7\r\nline1\r\nBDAT 6\r\n.\r\n.\r\nBDAT 4 LAST\r\nend!");
        var replies = await session.ReadRepliesAsync(3);
        Assert.Equal("250 2.0.0 7 octets received", replies[0]);
        Assert.Equal("250 2.0.0 6 octets received", replies[1]);
        ReplyAssert.Code("250 2.0.0 OK: queued as", replies[2]);
        Assert.Equal("line1\r\n.\r\n.\r\nend!", Encoding.ASCII.GetString(session.Sink.Single().Body));
    }

    [Fact]
    public async Task BdatZeroLastEndsTheMessage()
    {
        await using var session = await OpenAsync();
        await session.SendAsync("BDAT 6\r\nbody\r\n");
        ReplyAssert.Code("250 2.0.0 6 octets", await session.ReadReplyAsync());
        await session.SendAsync("BDAT 0 LAST\r\n");
        ReplyAssert.Code("250 2.0.0 OK", await session.ReadReplyAsync());
        Assert.Equal("body\r\n", Encoding.ASCII.GetString(session.Sink.Single().Body));
    }

    // RFC 3030 3: a BINARYMIME body is length-framed, so any octet may appear, and none is changed.
    [Fact]
    public async Task BinaryMimeBodiesArriveByBdatUntouchedAndTheEnvelopeSaysSo()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        var body = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n.\r\n\n.\r\r\0"u8.ToArray()).ToArray();
        var head = Encoding.ASCII.GetBytes($"EHLO c.example\r\nMAIL FROM:<s@y.example> BODY=BINARYMIME\r\nRCPT TO:<r@x.example>\r\nBDAT {body.Length} LAST\r\n");
        await session.SendAsync([.. head, .. body], segmentSize: 7);
        await session.ReadReplyAsync();
        var replies = await session.ReadRepliesAsync(3);
        ReplyAssert.Code("250 2.1.0", replies[0]);
        ReplyAssert.Code("250 2.0.0 OK: queued as", replies[2]);
        var delivered = session.Sink.Single();
        Assert.Equal(body, delivered.Body);
        Assert.True(delivered.Envelope.BinaryMime);
        Assert.False(delivered.Envelope.EightBitMime);
    }

    // RFC 3030 3: "a 503 ... MUST be sent" for DATA after BODY=BINARYMIME; RSET starts over.
    [Fact]
    public async Task DataAfterBinaryMimeIsRefusedWith503()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example> BODY=BINARYMIME\r\nRCPT TO:<r@x.example>\r\nDATA\r\nRSET\r\n"
            + "MAIL FROM:<s@y.example> BODY=8BITMIME\r\nRCPT TO:<r@x.example>\r\nDATA\r\nhi\r\n.\r\n");
        await session.ReadReplyAsync();
        var replies = await session.ReadRepliesAsync(8);
        Assert.Equal("503 5.5.1 BODY=BINARYMIME requires BDAT, not DATA", replies[2]);
        ReplyAssert.Code("250 2.0.0", replies[3]);
        ReplyAssert.Code("354", replies[6]);
        ReplyAssert.Code("250 2.0.0 OK", replies[7]);
        Assert.False(session.Sink.Single().Envelope.BinaryMime);
    }

    [Fact]
    public async Task DataAfterBdatIsRefused()
    {
        await using var session = await OpenAsync();
        await session.SendAsync("BDAT 3\r\nabcDATA\r\n");
        ReplyAssert.Code("250 2.0.0 3 octets", await session.ReadReplyAsync());
        ReplyAssert.Code("503 5.5.1", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task OversizedChunkIsReadAndDiscardedThenRefusedAndLaterChunksToo()
    {
        await using var session = await OpenAsync(o => o.MaxMessageSize = 1024);
        var big = new string('z', 2000);
        // RFC 3030 2: pipelined chunks after a failed one are accepted and discarded.
        await session.SendAsync($"BDAT 2000\r\n{big}BDAT 5 LAST\r\nhello");
        ReplyAssert.Code("552 5.3.4", await session.ReadReplyAsync());
        ReplyAssert.Code("503 5.5.1", await session.ReadReplyAsync());
        await session.SendAsync("NOOP\r\n");
        ReplyAssert.Code("250 2.0.0 OK", await session.ReadReplyAsync());
        // Refused before any octet reached the sink: no message was even begun.
        Assert.Empty(session.Sink.Delivered);
        Assert.Empty(session.Sink.Aborted);
    }

    [Fact]
    public async Task BdatWithGarbageAfterTheSizeStillSkipsItsChunk()
    {
        await using var session = await OpenAsync();
        await session.SendAsync("BDAT 4 NOW\r\nQUITNOOP\r\n");
        ReplyAssert.Code("501 5.5.4", await session.ReadReplyAsync());
        ReplyAssert.Code("250 2.0.0 OK", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task BdatWithoutASizeClosesTheConnection()
    {
        await using var session = await OpenAsync();
        await session.SendAsync("BDAT lots\r\nQUIT\r\n");
        Assert.Equal(["421 4.5.0 Invalid BDAT chunk size, closing connection"], await session.ReadToEndAsync());
        await session.WaitForEndAsync();
    }

    [Fact]
    public async Task RsetAbandonsAnOpenChunkSequence()
    {
        await using var session = await OpenAsync();
        await session.SendAsync("BDAT 3\r\nabcRSET\r\n");
        await session.ReadRepliesAsync(2);
        await session.SendAsync("NOOP\r\n");
        ReplyAssert.Code("250", await session.ReadReplyAsync());
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
    }

    [Fact]
    public async Task ChunkLargerThanTheBodyBufferIsStreamedWhole()
    {
        await using var session = await OpenAsync(o => o.BodyChunkSize = 4096);
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"{i}\r\n")));
        var command = Encoding.ASCII.GetBytes($"BDAT {body.Length} LAST\r\n");
        var send = session.SendAsync([.. command, .. body], segmentSize: 777);
        ReplyAssert.Code("250 2.0.0 OK", await session.ReadReplyAsync());
        await send;
        Assert.Equal(body, session.Sink.Single().Body);
    }

    [Fact]
    public async Task ClientThatDisconnectsMidChunkDeliversNothing()
    {
        await using var session = await OpenAsync();
        await session.SendAsync("BDAT 100 LAST\r\nonly a little");
        await session.FinishSendingAsync();
        await session.WaitForEndAsync();
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
    }

    // Found by the transcript property: the RSET's abort of the open BDAT message used to dispose
    // the writer of the DATA message that followed it in the same read, answering it 451.
    [Theory]
    [InlineData("RSET")]
    [InlineData("EHLO c.example")]
    public async Task AMessageAfterAnAbandonedBdatInTheSameReadIsDelivered(string reset)
    {
        await using var session = await OpenAsync();
        await session.SendAsync($"BDAT 3\r\nabc{reset}\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nDATA\r\nhello\r\n.\r\n");
        var replies = await session.ReadRepliesAsync(6);
        Assert.StartsWith("250 2.0.0 OK", replies[5]);
        Assert.Equal("hello\r\n", Encoding.ASCII.GetString(session.Sink.Single().Body));
        Assert.Single(session.Sink.Aborted);
    }
}
