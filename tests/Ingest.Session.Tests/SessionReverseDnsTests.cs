namespace Ingest.Session.Tests;

/// <summary>The client's PTR name in the Received header's TCP-info (RFC 5321 4.4), never trusted.</summary>
public sealed class SessionReverseDnsTests
{
    private static async Task<string> ReceivedHeaderAsync(SessionHarness session)
    {
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nDATA\r\n");
        ReplyAssert.Code("354", (await session.ReadRepliesAsync(4))[3]);
        await session.SendAsync("x\r\n.\r\n");
        ReplyAssert.Code("250", await session.ReadReplyAsync());
        return session.Sink.Single().ReceivedHeader;
    }

    [Fact]
    public async Task ValidPtrNameGoesBeforeTheAddressLiteral()
    {
        var dns = new FakeReverseDns("mail.client.example.");
        await using var session = new SessionHarness(o => o.ReverseDns = true, reverseDns: dns);
        var header = await ReceivedHeaderAsync(session);
        Assert.StartsWith("Received: from c.example (mail.client.example [192.0.2.7])\r\n\tby gw.example", header, StringComparison.Ordinal);
        Assert.Equal("192.0.2.7", Assert.Single(dns.Asked).ToString());
    }

    [Theory]
    [InlineData("evil.example\r\nX-Injected: yes")]
    [InlineData("evil.example [198.51.100.1]")]
    [InlineData("evil.example)")]
    [InlineData("192.0.2.99")]
    [InlineData("under_score.example")]
    [InlineData("bücher.example")]
    [InlineData("-dash.example")]
    [InlineData("")]
    [InlineData(null)]
    public async Task HostileOrMissingPtrNameLeavesTheAddressAlone(string? answer)
    {
        await using var session = new SessionHarness(o => o.ReverseDns = true, reverseDns: new FakeReverseDns(answer));
        var header = await ReceivedHeaderAsync(session);
        Assert.StartsWith("Received: from c.example ([192.0.2.7])\r\n\tby gw.example", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolverThatNeverAnswersIsCutOffByTheTimeout()
    {
        await using var session = new SessionHarness(o => { o.ReverseDns = true; o.ReverseDnsTimeout = TimeSpan.FromSeconds(2); }, reverseDns: new FakeReverseDns("late.example", hang: true));
        await session.ReadGreetingAsync();
        await session.Time.WhenArmedAsync(TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(20));
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\n");
        await session.ReadRepliesAsync(3);
        // DATA waits for the lookup, which ends only when its timeout passes on the fake clock.
        await session.SendAsync("DATA\r\n");
        Assert.Equal("", session.TakeBufferedReplies());
        session.Time.Advance(TimeSpan.FromSeconds(2));
        ReplyAssert.Code("354", await session.ReadReplyAsync());
        await session.SendAsync("x\r\n.\r\n");
        ReplyAssert.Code("250", await session.ReadReplyAsync());
        Assert.StartsWith("Received: from c.example ([192.0.2.7])\r\n", session.Sink.Single().ReceivedHeader, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoLookupHappensWhenReverseDnsIsOff()
    {
        var dns = new FakeReverseDns("mail.client.example");
        await using var session = new SessionHarness(reverseDns: dns);
        var header = await ReceivedHeaderAsync(session);
        Assert.StartsWith("Received: from c.example ([192.0.2.7])\r\n", header, StringComparison.Ordinal);
        Assert.Empty(dns.Asked);
    }
}
