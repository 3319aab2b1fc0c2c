using System.Text;

namespace Ingest.Session.Tests;

/// <summary>STARTTLS as the session sees it (RFC 3207): the swap, its preconditions and the reset after it.</summary>
public sealed class SessionStartTlsTests
{
    private static SessionHarness Gateway(FakeStartTls tls, bool requireTls = false, Action<SmtpOptions>? configure = null) =>
        new(configure, connected: connection => connection with { StartTls = tls, RequireTls = requireTls });

    private static async Task<string> GreetAsync(SessionHarness session)
    {
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\n");
        return await session.ReadReplyAsync();
    }

    [Fact]
    public async Task EhloAdvertisesStartTlsWhenTheTransportOffersIt()
    {
        await using var session = Gateway(new FakeStartTls());
        Assert.Contains("250-STARTTLS", await GreetAsync(session));
    }

    [Fact]
    public async Task WithoutATransportUpgradeStartTlsIsNeitherAdvertisedNorImplemented()
    {
        await using var session = new SessionHarness();
        Assert.DoesNotContain("STARTTLS", await GreetAsync(session));
        await session.SendAsync("STARTTLS\r\n");
        ReplyAssert.Code("502 5.5.1", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task StartTlsAnswers220ThenRequiresANewEhloAndNoLongerAdvertisesIt()
    {
        var tls = new FakeStartTls();
        await using var session = Gateway(tls);
        await GreetAsync(session);
        await session.SendAsync("STARTTLS\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await session.ReadReplyAsync());

        // RFC 3207 4.2: the EHLO from before TLS is forgotten.
        await session.SendAsync("MAIL FROM:<a@example.org>\r\n");
        ReplyAssert.Code("503 5.5.1", await session.ReadReplyAsync());
        await session.SendAsync("EHLO c.example\r\n");
        var ehlo = await session.ReadReplyAsync();
        Assert.DoesNotContain("STARTTLS", ehlo);
        Assert.StartsWith("250-gw.example", ehlo);
        await session.SendAsync("STARTTLS\r\n");
        Assert.Equal("503 5.5.1 TLS already active", await session.ReadReplyAsync());
        Assert.Equal(1, tls.Upgrades);
    }

    // RFC 8689 4: REQUIRETLS is advertised and taken only once the session is encrypted.
    [Fact]
    public async Task RequireTlsIsRefusedWithoutTlsAndCarriedInTheEnvelopeWithIt()
    {
        await using var session = Gateway(new FakeStartTls());
        Assert.DoesNotContain("REQUIRETLS", await GreetAsync(session));
        await session.SendAsync("MAIL FROM:<a@example.org> REQUIRETLS\r\nSTARTTLS\r\n");
        Assert.Equal("530 5.7.10 REQUIRETLS requires a TLS session", await session.ReadReplyAsync());
        ReplyAssert.Code("220 2.0.0", await session.ReadReplyAsync());
        await session.SendAsync("EHLO c.example\r\n");
        Assert.Contains("250-REQUIRETLS", (await session.ReadReplyAsync()).Split('\n'));
        await session.SendAsync("MAIL FROM:<a@example.org> REQUIRETLS\r\nRCPT TO:<r@example.com>\r\nDATA\r\nhi\r\n.\r\n");
        var replies = await session.ReadRepliesAsync(4);
        ReplyAssert.Code("250 2.1.0", replies[0]);
        ReplyAssert.Code("250 2.0.0", replies[3]);
        Assert.True(session.Sink.Single().Envelope.RequireTls);
    }

    [Fact]
    public async Task WithoutRequireTlsTheEnvelopeDoesNotAskForIt()
    {
        await using var session = Gateway(new FakeStartTls());
        await GreetAsync(session);
        await session.SendAsync("STARTTLS\r\n");
        await session.ReadReplyAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r@example.com>\r\nDATA\r\nhi\r\n.\r\n");
        await session.ReadReplyAsync();
        ReplyAssert.Code("250 2.0.0", (await session.ReadRepliesAsync(4))[3]);
        Assert.False(session.Sink.Single().Envelope.RequireTls);
    }

    [Theory]
    [InlineData("STARTTLS\r\nMAIL FROM:<attacker@example.org>\r\n")]
    [InlineData("STARTTLS\r\nX")]
    [InlineData("STARTTLS\r\n\r\n")]
    public async Task PlaintextPipelinedAfterStartTlsIsRefusedAndTheConnectionClosed(string injected)
    {
        // CVE-2011-0411: bytes behind STARTTLS in the same read arrived unprotected.
        var tls = new FakeStartTls();
        await using var session = Gateway(tls);
        await GreetAsync(session);
        await session.SendAsync(injected);
        var replies = await session.ReadToEndAsync();
        Assert.Equal(["554 5.5.0 Commands pipelined after STARTTLS, closing connection"], replies);
        Assert.Equal(0, tls.Upgrades);
        await session.WaitForEndAsync();
        Assert.Equal(SessionEnd.ProtocolViolation, session.End);
    }

    [Fact]
    public async Task StartTlsWithArgumentsIsASyntaxError()
    {
        await using var session = Gateway(new FakeStartTls());
        await GreetAsync(session);
        await session.SendAsync("STARTTLS now\r\n");
        ReplyAssert.Code("501 5.5.4", await session.ReadReplyAsync());
    }

    [Fact]
    public async Task StartTlsBeforeEhloOrInsideATransactionIsABadSequence()
    {
        await using var session = Gateway(new FakeStartTls());
        await session.ReadGreetingAsync();
        await session.SendAsync("STARTTLS\r\n");
        ReplyAssert.Code("503 5.5.1", await session.ReadReplyAsync());
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nSTARTTLS\r\n");
        var replies = await session.ReadRepliesAsync(3);
        ReplyAssert.Code("503 5.5.1", replies[2]);
    }

    [Fact]
    public async Task AFailedHandshakeEndsTheSessionWithoutAnotherReply()
    {
        await using var session = Gateway(new FakeStartTls(succeed: false));
        await GreetAsync(session);
        await session.SendAsync("STARTTLS\r\n");
        Assert.Equal(["220 2.0.0 Ready to start TLS"], await session.ReadToEndAsync());
        await session.WaitForEndAsync();
        Assert.Equal(SessionEnd.TlsHandshakeFailed, session.End);
    }

    [Fact]
    public async Task WhenTlsIsRequiredMailWaitsForStartTls()
    {
        await using var session = Gateway(new FakeStartTls(), requireTls: true);
        await GreetAsync(session);
        await session.SendAsync("MAIL FROM:<a@example.org>\r\n");
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await session.ReadReplyAsync());
        await session.SendAsync("STARTTLS\r\n");
        await session.ReadReplyAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\n");
        var replies = await session.ReadRepliesAsync(2);
        Assert.Equal("250 2.1.0 Sender OK", replies[1]);
    }

    [Fact]
    public async Task MailAfterStartTlsCarriesTheTlsInTheEnvelopeAndTheReceivedHeader()
    {
        await using var session = Gateway(new FakeStartTls());
        await GreetAsync(session);
        await session.SendAsync("STARTTLS\r\n");
        await session.ReadReplyAsync();
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r@example.com>\r\nDATA\r\n");
        await session.ReadRepliesAsync(4);
        await session.SendAsync("Subject: x\r\n\r\nhi\r\n.\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());

        var message = session.Sink.Single();
        Assert.Equal("TLSv1.3", message.Envelope.TlsProtocol);
        Assert.Equal("TLS_AES_128_GCM_SHA256", message.Envelope.TlsCipher);
        Assert.Equal("ESMTPS", message.Envelope.Protocol);
        var received = Encoding.ASCII.GetString(message.Data, 0, message.Data.Length - message.Body.Length);
        // RFC 8314 4.3: the "tls" clause, with the version in a comment; RFC 3848: ESMTPS.
        Assert.Contains("with ESMTPS id ", received);
        Assert.Contains("\r\n\t(TLSv1.3) tls TLS_AES_128_GCM_SHA256;", received);
    }

    [Fact]
    public async Task AnImplicitTlsConnectionDoesNotOfferStartTlsAndSatisfiesTheTlsRequirement()
    {
        await using var session = new SessionHarness(connected: connection => connection with { Tls = FakeStartTls.Negotiated, RequireTls = true });
        Assert.DoesNotContain("STARTTLS", await GreetAsync(session));
        await session.SendAsync("MAIL FROM:<a@example.org>\r\n");
        Assert.Equal("250 2.1.0 Sender OK", await session.ReadReplyAsync());
    }
}
