using Ingest.Policy;

namespace Ingest.Session.Tests;

/// <summary>Accepted recipient domains: no open relay (RFC 5321 3.6.2, 7.1).</summary>
public sealed class SessionRelayTests
{
    private static SessionHarness Gateway(int maxBadCommands = 20) => new(o =>
    {
        o.AcceptedDomains = ["example.com", "*.example.net", "*.bücher.example"];
        o.MaxBadCommands = maxBadCommands;
    });

    private static async Task<string> RcptAsync(SessionHarness session, string path, string mailParameters = "")
    {
        await session.SendAsync($"RSET\r\nMAIL FROM:<s@y.example>{mailParameters}\r\nRCPT TO:{path}\r\n");
        return (await session.ReadRepliesAsync(3))[2];
    }

    private static async Task<SessionHarness> GreetedAsync(SessionHarness session)
    {
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\n");
        await session.ReadReplyAsync();
        return session;
    }

    [Theory]
    [InlineData("<r@example.com>")]
    [InlineData("<R@EXAMPLE.COM>")]
    [InlineData("<r@Mail.Example.Net>")]
    [InlineData("<r@a.b.example.net>")]
    [InlineData("<\"odd@local\"@example.com>")]
    [InlineData("<Postmaster>")]
    [InlineData("<postmaster>")]
    public async Task RecipientInAnAcceptedDomainIsAccepted(string path)
    {
        await using var session = await GreetedAsync(Gateway());
        Assert.Equal("250 2.1.5 Recipient OK", await RcptAsync(session, path));
    }

    [Theory]
    [InlineData("<r@example.org>")]
    // "*.example.net" covers the subdomains only, not example.net itself.
    [InlineData("<r@example.net>")]
    [InlineData("<r@notexample.com>")]
    [InlineData("<r@example.com.evil.test>")]
    [InlineData("<r@sub.example.com>")]
    [InlineData("<postmaster@example.org>")]
    [InlineData("<r@[192.0.2.1]>")]
    [InlineData("<r@[IPv6:2001:db8::1]>")]
    [InlineData("<@example.com:r@example.org>")]
    public async Task RecipientInAnyOtherDomainIsRefusedAsRelay(string path)
    {
        await using var session = await GreetedAsync(Gateway());
        Assert.Equal("550 5.7.1 Relay access denied", await RcptAsync(session, path));
    }

    [Fact]
    public async Task UnicodeDomainsCompareAsGivenWithoutIdnaConversion()
    {
        await using var session = await GreetedAsync(Gateway());
        Assert.Equal("250 2.1.5 Recipient OK", await RcptAsync(session, "<r@laden.BÜCHER.example>", " SMTPUTF8"));
        // The A-label of the same name is a different string: it needs its own entry.
        Assert.Equal("550 5.7.1 Relay access denied", await RcptAsync(session, "<r@laden.xn--bcher-kva.example>"));
    }

    [Fact]
    public async Task EmptyListAcceptsEveryDomainIncludingAddressLiterals()
    {
        await using var session = await GreetedAsync(new SessionHarness());
        Assert.Equal("250 2.1.5 Recipient OK", await RcptAsync(session, "<r@anywhere.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await RcptAsync(session, "<r@[192.0.2.1]>"));
    }

    [Fact]
    public async Task RefusedRecipientsDoNotStopTheMessageToTheAcceptedOnes()
    {
        await using var session = await GreetedAsync(Gateway());
        await session.SendAsync("MAIL FROM:<s@y.example>\r\nRCPT TO:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(4);
        Assert.Equal(["250 2.1.0 Sender OK", "550 5.7.1 Relay access denied", "250 2.1.5 Recipient OK"], replies[..3]);
        ReplyAssert.Code("354", replies[3]);
        await session.SendAsync("x\r\n.\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());
        Assert.Equal(["b@example.com"], session.Sink.Single().Envelope.Recipients);
    }

    [Fact]
    public async Task OnlyRefusedRecipientsLeaveNothingForData()
    {
        await using var session = await GreetedAsync(Gateway());
        await session.SendAsync("MAIL FROM:<s@y.example>\r\nRCPT TO:<a@example.org>\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(3);
        Assert.Equal("550 5.7.1 Relay access denied", replies[1]);
        Assert.Equal("554 5.5.1 No valid recipients", replies[2]);
        Assert.Empty(session.Sink.Delivered);
    }

    // Relay refusals count as client errors, as in Postfix's smtpd_hard_error_limit: a relay
    // prober is cut off after MaxBadCommands attempts.
    [Fact]
    public async Task RelayProbingCountsTowardsTheBadCommandLimit()
    {
        await using var session = await GreetedAsync(Gateway(maxBadCommands: 2));
        await session.SendAsync("MAIL FROM:<s@y.example>\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\n");
        var replies = await session.ReadToEndAsync();
        Assert.Equal(
            ["250 2.1.0 Sender OK", "550 5.7.1 Relay access denied", "550 5.7.1 Relay access denied", "550 5.7.1 Relay access denied", "421 4.7.0 Too many errors, closing connection"],
            replies);
        await session.WaitForEndAsync();
        Assert.Equal(SessionEnd.TooManyErrors, session.End);
    }

    [Theory]
    [InlineData("*example.com")]
    [InlineData("a.*.com")]
    [InlineData("*")]
    [InlineData("*.")]
    [InlineData("example..com")]
    [InlineData("[192.0.2.1]")]
    [InlineData("-bad.example")]
    public void MalformedEntriesAreRefused(string entry)
    {
        Assert.False(AcceptedDomains.IsValidEntry(entry, out var problem));
        Assert.NotEmpty(problem);
        Assert.Throws<FormatException>(() => new AcceptedDomains([entry]));
    }
}
