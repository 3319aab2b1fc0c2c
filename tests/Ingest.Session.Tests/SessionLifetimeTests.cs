namespace Ingest.Session.Tests;

/// <summary>Timeouts (RFC 5321 4.5.3.2) on a fake clock, and graceful shutdown.</summary>
public sealed class SessionLifetimeTests
{
    [Fact]
    public async Task IdleClientIsClosedWith421AfterTheIdleTimeout()
    {
        await using var session = new SessionHarness(o => o.IdleTimeout = TimeSpan.FromMinutes(5));
        await session.ReadGreetingAsync();
        session.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("", session.TakeBufferedReplies());
        session.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["421 4.4.2 Timeout, closing connection"], await session.ReadToEndAsync());
        await session.WaitForEndAsync();
    }

    [Fact]
    public async Task TricklingACommandDoesNotExtendTheCommandTimeout()
    {
        await using var session = new SessionHarness(o => { o.IdleTimeout = TimeSpan.FromMinutes(5); o.CommandTimeout = TimeSpan.FromMinutes(1); });
        await session.ReadGreetingAsync();
        // The NOOP's reply proves the session has also seen the partial line after it.
        await session.SendAsync("NOOP\r\nN");
        ReplyAssert.Code("250", await session.ReadReplyAsync());
        session.Time.Advance(TimeSpan.FromSeconds(30));
        await session.SendAsync("O");
        session.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["421 4.4.2 Timeout, closing connection"], await session.ReadToEndAsync());
    }

    [Fact]
    public async Task SilentClientDuringDataIsClosedAndItsMessageDropped()
    {
        await using var session = new SessionHarness(o => o.DataTimeout = TimeSpan.FromMinutes(3));
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nDATA\r\n");
        // The 354 is flushed with the data timer already armed.
        ReplyAssert.Code("354", (await session.ReadRepliesAsync(4))[3]);
        session.Time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        Assert.Equal("", session.TakeBufferedReplies());
        session.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["421 4.4.2 Timeout, closing connection"], await session.ReadToEndAsync());
        await session.WaitForEndAsync();
        Assert.Empty(session.Sink.Delivered);
        Assert.Single(session.Sink.Aborted);
    }

    [Fact]
    public async Task ShutdownClosesAnIdleSessionWith421()
    {
        await using var session = new SessionHarness();
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\n");
        await session.ReadReplyAsync();
        session.RequestClose();
        Assert.Equal(["421 4.3.2 Service shutting down, closing connection"], await session.ReadToEndAsync());
        await session.WaitForEndAsync();
    }

    [Fact]
    public async Task ShutdownLetsAMessageInFlightFinishThenAnswers421()
    {
        var sink = new TestSink { Mode = TestSink.Behaviour.StallComplete };
        await using var session = new SessionHarness(sink: sink);
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\nDATA\r\n");
        await session.ReadRepliesAsync(4);
        await session.SendAsync("body\r\n.\r\nMAIL FROM:<s@y.example>\r\n");
        await sink.StallReached.Task.WaitAsync(TimeSpan.FromSeconds(20));
        session.RequestClose();
        sink.StallRelease.SetResult();
        var replies = await session.ReadToEndAsync();
        Assert.Equal(2, replies.Count);
        Assert.StartsWith("250 2.0.0 OK: queued as", replies[0], StringComparison.Ordinal);
        Assert.Equal("421 4.3.2 Service shutting down, closing connection", replies[1]);
        Assert.Single(sink.Delivered);
    }
}
