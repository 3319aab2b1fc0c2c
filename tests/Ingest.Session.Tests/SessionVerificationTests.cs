using System.Text;
using Ingest.Protocol;

namespace Ingest.Session.Tests;

/// <summary>The session drives sender verification: every body byte to it, its decisions as replies, never a 250 taken back.</summary>
public sealed class SessionVerificationTests
{
    private const string Envelope = "EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\n";
    private const string Body = "From: s@y.example\r\nSubject: hi\r\n\r\n.leading dot\r\nline\r\n";

    [Theory]
    [InlineData(false, int.MaxValue)]
    [InlineData(false, 1)]
    [InlineData(true, int.MaxValue)]
    [InlineData(true, 1)]
    public async Task TheVerifierSeesExactlyTheBytesTheSinkGetsAfterTheTraceHeader(bool bdat, int segment)
    {
        var verifier = new FakeSenderVerifier();
        await using var session = new SessionHarness(senderVerifier: verifier);
        await session.ReadGreetingAsync();
        var data = bdat
            ? $"BDAT {Body.Length} LAST\r\n{Body}"
            : "DATA\r\n" + Body.Replace("\r\n.", "\r\n..", StringComparison.Ordinal) + ".\r\n";
        await session.SendAsync(Encoding.ASCII.GetBytes(Envelope + data + "QUIT\r\n"), segment);
        await session.ReadToEndAsync();

        var delivered = session.Sink.Single();
        var verification = Assert.Single(verifier.Started);
        Assert.Equal(Body, Encoding.ASCII.GetString(delivered.Body));
        Assert.Equal(delivered.Body, verification.Bytes);
        Assert.True(verification.Finished);
        Assert.True(verification.Disposed);
        Assert.Equal("s@y.example", verification.Sender.ReversePath);
        Assert.Equal("c.example", verification.Sender.HeloName);
        Assert.Equal("pass y.example", delivered.Envelope.Authentication!.Spf);
    }

    [Fact]
    public async Task ARefusalAtMailIsTheMailReplyAndTheTransactionIsGone()
    {
        var verifier = new FakeSenderVerifier { DecidesAtMail = true, AtMail = Rejection.SpfFailed };
        await using var session = new SessionHarness(senderVerifier: verifier);
        await session.ReadGreetingAsync();
        await session.SendAsync(Envelope + "DATA\r\n");
        var replies = await session.ReadRepliesAsync(4);
        Assert.Equal("550 5.7.23 SPF validation failed", replies[1]);
        ReplyAssert.Code("503", replies[2]);
        ReplyAssert.Code("503", replies[3]);
        Assert.True(Assert.Single(verifier.Started).Disposed);
    }

    [Fact]
    public async Task AnAcceptedSenderIsAnsweredOnceVerificationSaysSo()
    {
        var verifier = new FakeSenderVerifier { DecidesAtMail = true };
        await using var session = new SessionHarness(senderVerifier: verifier);
        await session.ReadGreetingAsync();
        await session.SendAsync(Envelope + "DATA\r\n" + Body + ".\r\n");
        var replies = await session.ReadRepliesAsync(5);
        Assert.Equal("250 2.1.0 Sender OK", replies[1]);
        ReplyAssert.Code("250 2.1.5", replies[2]);
        ReplyAssert.Code("250 2.0.0 OK: queued as", replies[4]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARefusalAtTheEndOfDataComesInsteadOfThe250AndNothingIsDelivered(bool bdat)
    {
        var verifier = new FakeSenderVerifier { AtEnd = Rejection.DmarcRejected };
        await using var session = new SessionHarness(senderVerifier: verifier);
        await session.ReadGreetingAsync();
        await session.SendAsync(Envelope + (bdat ? $"BDAT 5\r\nhelloBDAT {Body.Length} LAST\r\n{Body}" : "DATA\r\n" + Body + ".\r\n"));
        var replies = await session.ReadRepliesAsync(5);
        Assert.Equal(bdat ? "250 2.0.0 5 octets received" : "354 Start mail input; end with <CRLF>.<CRLF>", replies[3]);
        Assert.Equal("550 5.7.1 Message rejected by the sender domain's DMARC policy", replies[4]);
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
        // The session goes on: the next transaction is served.
        await session.SendAsync("MAIL FROM:<s@y.example>\r\n");
        ReplyAssert.Code("250 2.1.0", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task RsetDropsTheVerification()
    {
        var verifier = new FakeSenderVerifier();
        await using var session = new SessionHarness(senderVerifier: verifier);
        await session.ReadGreetingAsync();
        await session.SendAsync(Envelope + "RSET\r\n");
        await session.ReadRepliesAsync(4);
        Assert.True(Assert.Single(verifier.Started).Disposed);
    }
}
