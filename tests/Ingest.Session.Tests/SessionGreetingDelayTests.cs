namespace Ingest.Session.Tests;

/// <summary>
/// The greeting delay and early talkers (RFC 5321 4.3.1: the client waits for the greeting). Time
/// moves only on the fake clock, and only once the session's timer is armed.
/// </summary>
public sealed class SessionGreetingDelayTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static async Task<SessionHarness> WaitingAsync()
    {
        var session = new SessionHarness(o => o.GreetingDelay = Delay);
        await session.Time.WhenArmedAsync(Delay).WaitAsync(Bound);
        return session;
    }

    [Fact]
    public async Task GreetingIsSentOnlyOnceTheDelayHasPassed()
    {
        await using var session = await WaitingAsync();
        session.Time.Advance(Delay - TimeSpan.FromMilliseconds(1));
        Assert.Equal("", session.TakeBufferedReplies());
        session.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("220 gw.example ESMTP Ingest ready", await session.ReadGreetingAsync());
        await session.SendAsync("EHLO c.example\r\n");
        ReplyAssert.Code("250", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task ClientThatTalksDuringTheDelayIsRefusedAndClosedWithoutAGreeting()
    {
        await using var session = await WaitingAsync();
        session.Time.Advance(TimeSpan.FromSeconds(2));
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<s@y.example>\r\n");
        Assert.Equal(["554 5.5.0 Protocol error: data sent before the greeting, closing connection"], await session.ReadToEndAsync());
        await session.WaitForEndAsync();
        Assert.Equal(SessionEnd.ProtocolViolation, session.End);
    }

    [Fact]
    public async Task ClientThatTalksAtOnceIsRefusedWhateverTheSessionReached()
    {
        // No wait for the timer: the bytes may arrive before or after the session starts reading.
        await using var session = new SessionHarness(o => o.GreetingDelay = Delay);
        await session.SendAsync("E");
        Assert.Equal(["554 5.5.0 Protocol error: data sent before the greeting, closing connection"], await session.ReadToEndAsync());
        Assert.Empty(session.Sink.Delivered);
    }

    [Fact]
    public async Task ClientThatLeavesDuringTheDelayEndsTheSessionQuietly()
    {
        await using var session = await WaitingAsync();
        await session.FinishSendingAsync();
        Assert.Empty(await session.ReadToEndAsync());
        await session.WaitForEndAsync();
        Assert.Equal(SessionEnd.ClientClosed, session.End);
    }

    [Fact]
    public async Task ShutdownDuringTheDelayAnswers421()
    {
        await using var session = await WaitingAsync();
        session.RequestClose();
        Assert.Equal(["421 4.3.2 Service shutting down, closing connection"], await session.ReadToEndAsync());
    }

    [Fact]
    public async Task IdleTimeoutStartsAfterTheGreetingNotBeforeIt()
    {
        await using var session = new SessionHarness(o => { o.GreetingDelay = Delay; o.IdleTimeout = TimeSpan.FromMinutes(1); });
        await session.Time.WhenArmedAsync(Delay).WaitAsync(Bound);
        session.Time.Advance(Delay);
        await session.ReadGreetingAsync();
        await session.Time.WhenArmedAsync(TimeSpan.FromMinutes(1)).WaitAsync(Bound);
        session.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("", session.TakeBufferedReplies());
        session.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["421 4.4.2 Timeout, closing connection"], await session.ReadToEndAsync());
    }
}
