using Ingest.Protocol;

namespace Ingest.Session.Tests;

/// <summary>Recipients checked at RCPT: 550 5.1.1 for unknown ones, a limit against harvesting, directory lookups off the read path.</summary>
public sealed class SessionRecipientTests
{
    private sealed class Policy : IRecipientPolicy
    {
        public RecipientVerdict Check(ReadOnlySpan<byte> mailbox, bool authenticated) =>
            mailbox.StartsWith("known"u8) ? RecipientVerdict.Accepted
            : mailbox.StartsWith("ask"u8) ? RecipientVerdict.Lookup
            : RecipientVerdict.UnknownRecipient;

        public async ValueTask<RecipientVerdict> CheckAsync(string mailbox, bool authenticated, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return mailbox.StartsWith("ask-yes", StringComparison.Ordinal) ? RecipientVerdict.Accepted
                : mailbox.StartsWith("ask-down", StringComparison.Ordinal) ? RecipientVerdict.TemporaryFailure
                : RecipientVerdict.UnknownRecipient;
        }
    }

    private static SessionHarness Open(int maxUnknown = 10) =>
        new(o => o.MaxUnknownRecipients = maxUnknown, recipients: new Policy());

    [Fact]
    public async Task UnknownRecipientsGet550AndKnownOnesKeepTheMessage()
    {
        await using var session = Open();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<nobody@x.example>\r\nRCPT TO:<known@x.example>\r\nDATA\r\nhi\r\n.\r\n");
        var replies = await session.ReadRepliesAsync(6);
        Assert.Equal("550 5.1.1 Recipient address rejected: user unknown", replies[2]);
        ReplyAssert.Code("250 2.1.5", replies[3]);
        ReplyAssert.Code("250 2.0.0 OK", replies[5]);
        Assert.Equal(["known@x.example"], session.Sink.Single().Envelope.Recipients);
    }

    [Fact]
    public async Task TooManyUnknownRecipientsEndTheSession()
    {
        await using var session = Open(maxUnknown: 3);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c\r\nMAIL FROM:<s@y.example>\r\n" + string.Concat(Enumerable.Range(1, 5).Select(i => $"RCPT TO:<guess{i}@x.example>\r\n")));
        var replies = await session.ReadToEndAsync();
        Assert.Equal(3, replies.Count(reply => reply.StartsWith("550 5.1.1", StringComparison.Ordinal)));
        Assert.Equal("421 4.7.0 Too many unknown recipients, closing connection", replies[^1]);
    }

    [Fact]
    public async Task DirectoryLookupsAnswerInOrderEvenPipelined()
    {
        await using var session = Open();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<ask-yes@x.example>\r\nRCPT TO:<ask-no@x.example>\r\nRCPT TO:<ask-down@x.example>\r\nRCPT TO:<known@x.example>\r\nNOOP\r\n");
        var replies = await session.ReadRepliesAsync(7);
        ReplyAssert.Code("250 2.1.5", replies[2]);
        ReplyAssert.Code("550 5.1.1", replies[3]);
        Assert.Equal("451 4.4.3 Recipient lookup failed, try again later", replies[4]);
        ReplyAssert.Code("250 2.1.5", replies[5]);
        ReplyAssert.Code("250 2.0.0", replies[6]);
    }
}
