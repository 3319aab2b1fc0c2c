using System.Text;
using System.Text.RegularExpressions;

namespace Ingest.Session.Tests;

/// <summary>
/// One transcript, three ways: pipelined whole, step by step waiting for each reply, and one byte
/// per write. Replies and delivered messages must not depend on how the bytes arrive.
/// </summary>
public sealed partial class SessionTranscriptTests
{
    // (what the client sends, how many replies it expects before its next step)
    private static readonly (string Send, int Replies)[] Transcript =
    [
        ("EHLO client.example\r\n", 1),
        ("MAIL FROM:<s@y.example> SIZE=100 BODY=8BITMIME\r\n", 1),
        ("RCPT TO:<a@x.example>\r\n", 1),
        ("RCPT TO:<b@x.example>\r\n", 1),
        ("BOGUS\r\n", 1),
        ("DATA\r\n", 1),
        ("Subject: t\r\n\r\n..dot\r\n.\r\n", 1),
        ("MAIL FROM:<>\r\n", 1),
        ("RCPT TO:<c@x.example>\r\n", 1),
        ("BDAT 10\r\n0123456789", 1),
        ("BDAT 3 LAST\r\nabc", 1),
        ("VRFY c\r\n", 1),
        ("QUIT\r\n", 1),
    ];

    private static readonly string[] ExpectedCodes =
        ["250", "250 2.1.0", "250 2.1.5", "250 2.1.5", "500 5.5.1", "354", "250 2.0.0", "250 2.1.0", "250 2.1.5", "250 2.0.0", "250 2.0.0", "252 2.5.0", "221 2.0.0"];

    [Fact]
    public async Task PipelinedWholeTranscriptGivesTheExpectedReplies()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync(string.Concat(Transcript.Select(step => step.Send)));
        await AssertOutcomeAsync(session, await session.ReadRepliesAsync(ExpectedCodes.Length));
    }

    [Fact]
    public async Task StepByStepTranscriptGivesTheSameReplies()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        var replies = new List<string>();
        foreach (var (send, count) in Transcript)
        {
            await session.SendAsync(send);
            replies.AddRange(await session.ReadRepliesAsync(count));
        }

        await AssertOutcomeAsync(session, [.. replies]);
    }

    [Fact]
    public async Task ByteByByteTranscriptGivesTheSameReplies()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        var send = session.SendAsync(Encoding.UTF8.GetBytes(string.Concat(Transcript.Select(step => step.Send))), segmentSize: 1);
        var replies = await session.ReadRepliesAsync(ExpectedCodes.Length);
        await send;
        await AssertOutcomeAsync(session, replies);
    }

    private static async Task AssertOutcomeAsync(SessionHarness session, string[] replies)
    {
        Assert.Equal(ExpectedCodes.Length, replies.Length);
        for (var i = 0; i < replies.Length; i++)
        {
            ReplyAssert.Code(ExpectedCodes[i], replies[i]);
        }

        await session.WaitForEndAsync();
        var messages = session.Sink.Delivered.ToArray();
        Assert.Equal(2, messages.Length);
        Assert.Equal("Subject: t\r\n\r\n.dot\r\n", Encoding.ASCII.GetString(messages[0].Body));
        Assert.Equal(["a@x.example", "b@x.example"], messages[0].Envelope.Recipients);
        Assert.Equal("0123456789abc", Encoding.ASCII.GetString(messages[1].Body));
        Assert.Matches(QueuedReply(), replies[6]);
        Assert.Contains(messages[0].Envelope.MessageId, replies[6], StringComparison.Ordinal);
    }

    [GeneratedRegex("^250 2\\.0\\.0 OK: queued as [0-9a-f]{32}$")]
    private static partial Regex QueuedReply();
}
