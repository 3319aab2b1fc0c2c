using System.Text;
using Ingest.Delivery;

namespace Ingest.Session.Tests;

/// <summary>DSN (RFC 3461, RFC 6533 3): parameters taken at MAIL and RCPT and carried in the envelope, per recipient.</summary>
public sealed class SessionDsnTests
{
    private static async Task<DeliveredMessage> DeliverAsync(SessionHarness session, string mail, params string[] rcpts)
    {
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\n" + mail + "\r\n" + string.Concat(rcpts.Select(rcpt => rcpt + "\r\n")) + "DATA\r\nSubject: s\r\n\r\nbody\r\n.\r\n");
        await session.ReadReplyAsync();
        var replies = await session.ReadRepliesAsync(rcpts.Length + 3);
        Assert.All(replies[..^1], reply => Assert.Matches("^(250|354) ", reply));
        ReplyAssert.Code("250 2.0.0 OK", replies[^1]);
        return session.Sink.Single();
    }

    [Fact]
    public async Task MailAndRecipientParametersAreCarriedPerRecipientInRcptOrder()
    {
        await using var session = new SessionHarness();
        var envelope = (await DeliverAsync(session,
            "MAIL FROM:<s@y.example> RET=HDRS ENVID=QQ+2B314159",
            "RCPT TO:<a@x.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;A+2Btag@x.example",
            "RCPT TO:<b@x.example>",
            "RCPT TO:<c@x.example> NOTIFY=NEVER")).Envelope;

        Assert.Equal(ReturnContent.Headers, envelope.DsnReturn);
        Assert.Equal("QQ+314159", envelope.EnvelopeId);
        Assert.Equal(["a@x.example", "b@x.example", "c@x.example"], envelope.Recipients);
        Assert.Equal(
            [new RecipientDsn(NotifyConditions.Success | NotifyConditions.Failure, "rfc822;A+tag@x.example"), RecipientDsn.None, new RecipientDsn(NotifyConditions.Never, null)],
            envelope.RecipientDsn!);
        Assert.Equal("rfc822", envelope.RecipientDsn![0].OriginalRecipientType);
        Assert.Equal("A+tag@x.example", envelope.RecipientDsn[0].OriginalRecipientAddress);
    }

    [Fact]
    public async Task ATransactionWithoutDsnParametersCarriesNone()
    {
        await using var session = new SessionHarness();
        var envelope = (await DeliverAsync(session, "MAIL FROM:<s@y.example>", "RCPT TO:<a@x.example>")).Envelope;
        Assert.Equal(ReturnContent.Unspecified, envelope.DsnReturn);
        Assert.Null(envelope.EnvelopeId);
        Assert.Null(envelope.RecipientDsn);
    }

    [Fact]
    public async Task ARefusedRecipientLeavesNoDsnEntryBehind()
    {
        await using var session = new SessionHarness(o => o.MaxRecipients = 1);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.example>\r\nRCPT TO:<b@x.example> NOTIFY=DELAY\r\nDATA\r\nhi\r\n.\r\n");
        await session.ReadReplyAsync();
        var replies = await session.ReadRepliesAsync(5);
        ReplyAssert.Code("452 4.5.3", replies[2]);
        ReplyAssert.Code("250 2.0.0 OK", replies[4]);
        Assert.Null(session.Sink.Single().Envelope.RecipientDsn);
    }

    // RFC 6533 3: the utf-8 address type, as utf-8-addr-xtext without SMTPUTF8 and unitext with it.
    [Fact]
    public async Task Utf8OriginalRecipientsAreDecodedToUnicode()
    {
        await using var session = new SessionHarness();
        var envelope = (await DeliverAsync(session,
            "MAIL FROM:<s@y.example> SMTPUTF8",
            @"RCPT TO:<a@x.example> ORCPT=utf-8;\x{7528}\x{6237}\x{2B}1@x.example",
            "RCPT TO:<用户@x.example> ORCPT=utf-8;用户@x.example")).Envelope;
        Assert.Equal("utf-8;用户+1@x.example", envelope.RecipientDsn![0].OriginalRecipient);
        Assert.Equal("utf-8;用户@x.example", envelope.RecipientDsn[1].OriginalRecipient);
    }

    [Fact]
    public async Task RawUtf8InOrcptNeedsSmtpUtf8()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.example> ORCPT=utf-8;用户@x.example\r\n");
        await session.ReadReplyAsync();
        var replies = await session.ReadRepliesAsync(2);
        ReplyAssert.Code("553 5.6.7", replies[1]);
    }

    [Fact]
    public async Task DsnParametersAfterHeloAreUnknown()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("HELO c.example\r\nMAIL FROM:<s@y.example> RET=FULL\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.example> NOTIFY=NEVER\r\n");
        var replies = await session.ReadRepliesAsync(4);
        ReplyAssert.Code("555 5.5.4", replies[1]);
        ReplyAssert.Code("250 2.1.0", replies[2]);
        ReplyAssert.Code("555 5.5.4", replies[3]);
    }

    private static string LongDomain(char letter) => string.Join('.', Enumerable.Repeat(new string(letter, 59), 3)) + ".example";

    // RFC 3461 4.2: a 500-character ORCPT makes a RCPT line longer than the 512 of RFC 5321 4.5.3.1.4.
    [Fact]
    public async Task MailAndRcptLinesMayGrowByWhatDsnNeedsAndNoMore()
    {
        await using var session = new SessionHarness();
        var orcpt = "rfc822;" + new string('o', 64) + "@" + new string('d', 500 - 7 - 65);
        var envid = new string('e', 100);
        var envelope = (await DeliverAsync(session,
            $"MAIL FROM:<{new string('s', 64)}@{LongDomain('y')}> RET=FULL ENVID={envid}",
            $"RCPT TO:<{new string('a', 64)}@{LongDomain('x')}> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT={orcpt}")).Envelope;
        Assert.Equal(orcpt, envelope.RecipientDsn![0].OriginalRecipient);
        Assert.Equal(envid, envelope.EnvelopeId);

        await session.SendAsync("RCPT TO:<a@x.example> X-PAD=" + new string('p', 1200) + "\r\nNOOP\r\n");
        ReplyAssert.Code("500 5.5.6", await session.ReadReplyAsync());
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task EnvelopeLinesCarryTheDsnParametersReEncodedInTheMaildir()
    {
        using var directory = new TempDirectory();
        var sink = new Delivery.Maildir.MaildirSink(new Delivery.Maildir.MaildirOptions { Path = directory.Path });
        var envelope = new MessageEnvelope
        {
            MessageId = "0190aa",
            ReversePath = "s@y.example",
            Recipients = ["a@x.example", "b@x.example", "用户@x.example"],
            HeloName = "c.example",
            ReceivedAt = DateTimeOffset.UnixEpoch,
            Protocol = "UTF8SMTP",
            DsnReturn = ReturnContent.Full,
            EnvelopeId = "id with+space=",
            RecipientDsn =
            [
                new RecipientDsn(NotifyConditions.Failure | NotifyConditions.Delay, "rfc822;a+b@x.example"),
                RecipientDsn.None,
                new RecipientDsn(NotifyConditions.Never, "utf-8;用户+1@x.example"),
            ],
        };
        await using (var writer = await sink.BeginAsync(envelope, default))
        {
            Assert.True((await writer.WriteAsync("Subject: s\r\n\r\n"u8.ToArray(), default)).IsAccepted);
            Assert.True((await writer.CompleteAsync(default)).IsAccepted);
        }

        var content = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(directory.Path, "new"))), Encoding.UTF8);
        Assert.Equal(
            "Return-Path: <s@y.example>\r\n"
            + "X-Ingest-Mail-Parameters: RET=FULL ENVID=id+20with+2Bspace+3D\r\n"
            + "Delivered-To: <a@x.example>\r\n"
            + "X-Ingest-Rcpt-Parameters: <a@x.example> NOTIFY=FAILURE,DELAY ORCPT=rfc822;a+2Bb@x.example\r\n"
            + "Delivered-To: <b@x.example>\r\n"
            + "Delivered-To: <用户@x.example>\r\n"
            + @"X-Ingest-Rcpt-Parameters: <用户@x.example> NOTIFY=NEVER ORCPT=utf-8;\x{7528}\x{6237}\x{2B}1@x.example" + "\r\n"
            + "Subject: s\r\n\r\n",
            content);
    }
}
