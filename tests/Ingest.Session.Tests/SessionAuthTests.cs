using System.Text;

namespace Ingest.Session.Tests;

/// <summary>AUTH PLAIN and LOGIN (RFC 4954, RFC 4616) over a session, with an in-memory authenticator.</summary>
public sealed class SessionAuthTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Plain(string user, string password, string authzid = "") => B64($"{authzid}\0{user}\0{password}");

    /// <summary>A session already over TLS (as after STARTTLS), relaying only to example.com.</summary>
    private static SessionHarness Gateway(FakeAuthenticator authenticator, bool tls = true, AuthOptions? options = null) => new(
        o => o.AcceptedDomains = ["example.com"],
        connected: connection => tls ? connection with { Tls = FakeStartTls.Negotiated } : connection,
        authenticator: authenticator,
        authOptions: options);

    private static async Task<string> GreetAsync(SessionHarness session)
    {
        await session.ReadGreetingAsync();
        await session.SendAsync("EHLO c.example\r\n");
        return await session.ReadReplyAsync();
    }

    private static async Task<string> SendAsync(SessionHarness session, string line)
    {
        await session.SendAsync(line + "\r\n");
        return await session.ReadReplyAsync();
    }

    [Fact]
    public async Task AuthIsAdvertisedOverTls()
    {
        await using var session = Gateway(new FakeAuthenticator());
        Assert.Contains("250-AUTH PLAIN LOGIN", await GreetAsync(session));
    }

    [Fact]
    public async Task WithoutTlsAuthIsNotAdvertisedAndIsRefusedAsNeedingEncryption()
    {
        var authenticator = new FakeAuthenticator();
        await using var session = Gateway(authenticator, tls: false);
        Assert.DoesNotContain("AUTH", await GreetAsync(session));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
        Assert.Empty(authenticator.Calls);
    }

    [Fact]
    public async Task AllowWithoutTlsOffersAuthOnAPlainConnection()
    {
        await using var session = Gateway(new FakeAuthenticator(), tls: false, new AuthOptions { AllowWithoutTls = true });
        Assert.Contains("250-AUTH PLAIN LOGIN", await GreetAsync(session));
        Assert.Equal("235 2.7.0 Authentication successful", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
    }

    [Fact]
    public async Task WithoutAnAuthenticatorAuthIsNotImplemented()
    {
        await using var session = new SessionHarness(connected: connection => connection with { Tls = FakeStartTls.Negotiated });
        Assert.DoesNotContain("AUTH", await GreetAsync(session));
        ReplyAssert.Code("502 5.5.1", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
    }

    [Fact]
    public async Task PlainWithAnInitialResponseAuthenticatesAndLetsTheClientRelay()
    {
        var authenticator = new FakeAuthenticator();
        await using var session = Gateway(authenticator);
        await GreetAsync(session);
        // Unauthenticated, a foreign domain is relaying.
        await SendAsync(session, "MAIL FROM:<a@example.org>");
        Assert.Equal("550 5.7.1 Relay access denied", await SendAsync(session, "RCPT TO:<r@elsewhere.example>"));
        await SendAsync(session, "RSET");

        Assert.Equal("235 2.7.0 Authentication successful", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
        await session.SendAsync("MAIL FROM:<alice@example.org> AUTH=<>\r\nRCPT TO:<r@elsewhere.example>\r\nDATA\r\n");
        var replies = await session.ReadRepliesAsync(3);
        Assert.Equal("250 2.1.5 Recipient OK", replies[1]);
        await session.SendAsync("Subject: x\r\n\r\nhi\r\n.\r\n");
        ReplyAssert.Code("250 2.0.0", await session.ReadReplyAsync());

        var message = session.Sink.Single();
        Assert.Equal("alice", message.Envelope.AuthenticatedUser);
        Assert.Equal("ESMTPSA", message.Envelope.Protocol);
        Assert.Equal([("", "alice", "wonderland")], authenticator.Calls);
    }

    [Fact]
    public async Task PlainWithoutAnInitialResponseGetsAnEmptyChallenge()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        Assert.Equal("334 ", await SendAsync(session, "auth plain"));
        Assert.Equal("235 2.7.0 Authentication successful", await SendAsync(session, Plain("alice", "wonderland", authzid: "alice")));
    }

    [Fact]
    public async Task LoginPromptsForUserNameThenPassword()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        Assert.Equal("334 VXNlcm5hbWU6", await SendAsync(session, "AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await SendAsync(session, B64("alice")));
        Assert.Equal("235 2.7.0 Authentication successful", await SendAsync(session, B64("wonderland")));
    }

    [Fact]
    public async Task LoginTakesTheUserNameAsAnInitialResponse()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        Assert.Equal("334 UGFzc3dvcmQ6", await SendAsync(session, "AUTH LOGIN " + B64("alice")));
        Assert.Equal("235 2.7.0 Authentication successful", await SendAsync(session, B64("wonderland")));
    }

    [Fact]
    public async Task WrongCredentialsGet535AndTheThirdFailureClosesTheSession()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "guess1")));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await SendAsync(session, "AUTH PLAIN " + Plain("mallory", "wonderland")));
        await session.SendAsync("AUTH PLAIN " + Plain("alice", "guess3") + "\r\n");
        Assert.Equal(["421 4.7.0 Too many failed authentication attempts, closing connection"], await session.ReadToEndAsync());
    }

    [Fact]
    public async Task AMalformedPlainMessageFailsTheAuthentication()
    {
        var authenticator = new FakeAuthenticator();
        await using var session = Gateway(authenticator);
        await GreetAsync(session);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await SendAsync(session, "AUTH PLAIN " + B64("alice wonderland")));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await SendAsync(session, "AUTH PLAIN " + B64("\0\0wonderland")));
        Assert.Empty(authenticator.Calls);
    }

    [Fact]
    public async Task AStarCancelsTheExchange()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        await SendAsync(session, "AUTH LOGIN");
        Assert.Equal("501 5.7.0 Authentication cancelled", await SendAsync(session, "*"));
        Assert.Equal("250 2.0.0 OK", await SendAsync(session, "NOOP"));
    }

    [Theory]
    [InlineData("AUTH PLAIN not*base64")]
    [InlineData("AUTH PLAIN YWxpY2U")]
    public async Task AResponseThatIsNotBase64Gets501(string line)
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        Assert.Equal("501 5.5.2 Cannot decode response", await SendAsync(session, line));
    }

    [Fact]
    public async Task AnUnknownMechanismGets504()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        Assert.Equal("504 5.5.4 Unrecognized authentication type", await SendAsync(session, "AUTH CRAM-MD5"));
    }

    [Fact]
    public async Task AuthAfterSuccessOrInsideATransactionIsABadSequence()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        await SendAsync(session, "MAIL FROM:<a@example.org>");
        Assert.Equal("503 5.5.1 AUTH not permitted during a mail transaction", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
        await SendAsync(session, "RSET");
        await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland"));
        Assert.Equal("503 5.5.1 Already authenticated", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
    }

    [Theory]
    [InlineData(AuthenticationOutcome.Throttled, "454 4.7.0 Too many failed authentication attempts, try again later")]
    [InlineData(AuthenticationOutcome.TemporaryFailure, "454 4.7.0 Temporary authentication failure")]
    public async Task ThrottledOrUnavailableAuthenticationIsATemporaryFailure(AuthenticationOutcome outcome, string reply)
    {
        await using var session = Gateway(new FakeAuthenticator { Forced = outcome });
        await GreetAsync(session);
        Assert.Equal(reply, await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
    }

    [Fact]
    public async Task AnAuthLineLongerThanOrdinaryCommandsIsAccepted()
    {
        // RFC 4954 4: AUTH lines may reach 12288 octets; this one is over 1000, beyond the 512 limit.
        var authenticator = new FakeAuthenticator();
        var name = new string('u', 255);
        authenticator.Users[name] = new string('p', 255);
        await using var session = Gateway(authenticator);
        await GreetAsync(session);
        var line = "AUTH PLAIN " + Plain(name, new string('p', 255), authzid: name);
        Assert.True(line.Length > 1000);
        Assert.Equal("235 2.7.0 Authentication successful", await SendAsync(session, line));
    }

    [Fact]
    public async Task AnExchangeLineOverTheAuthLimitIsRefusedAndTheSessionGoesOn()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        await SendAsync(session, "AUTH PLAIN");
        await session.SendAsync(new string('A', 13000) + "\r\nNOOP\r\n");
        var replies = await session.ReadRepliesAsync(2);
        ReplyAssert.Code("500 5.5.6", replies[0]);
        Assert.Equal("250 2.0.0 OK", replies[1]);
    }

    [Fact]
    public async Task CommandsPipelinedAfterAnInitialResponseRunAfterTheDecision()
    {
        await using var session = Gateway(new FakeAuthenticator());
        await GreetAsync(session);
        await session.SendAsync("AUTH PLAIN " + Plain("alice", "wonderland") + "\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r@elsewhere.example>\r\n");
        var replies = await session.ReadRepliesAsync(3);
        Assert.Equal(["235 2.7.0 Authentication successful", "250 2.1.0 Sender OK", "250 2.1.5 Recipient OK"], replies);
    }

    [Fact]
    public async Task StartTlsForgetsAnAuthenticationMadeBeforeIt()
    {
        var tls = new FakeStartTls();
        await using var session = new SessionHarness(
            o => o.AcceptedDomains = ["example.com"],
            connected: connection => connection with { StartTls = tls },
            authenticator: new FakeAuthenticator(),
            authOptions: new AuthOptions { AllowWithoutTls = true });
        await GreetAsync(session);
        Assert.Equal("235 2.7.0 Authentication successful", await SendAsync(session, "AUTH PLAIN " + Plain("alice", "wonderland")));
        await SendAsync(session, "STARTTLS");
        await session.SendAsync("EHLO c.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r@elsewhere.example>\r\n");
        var replies = await session.ReadRepliesAsync(3);
        Assert.Equal("550 5.7.1 Relay access denied", replies[2]);
    }

    [Fact]
    public async Task TricklingAnAuthResponseDoesNotExtendTheCommandTimeout()
    {
        await using var session = new SessionHarness(
            o => { o.IdleTimeout = TimeSpan.FromMinutes(5); o.CommandTimeout = TimeSpan.FromMinutes(1); },
            connected: connection => connection with { Tls = FakeStartTls.Negotiated },
            authenticator: new FakeAuthenticator());
        await GreetAsync(session);
        await session.SendAsync("AUTH LOGIN\r\nYW");
        Assert.Equal("334 VXNlcm5hbWU6", await session.ReadReplyAsync());
        // Armed for the command timeout, not the idle one: the partial response line started its clock.
        await session.Time.WhenArmedAsync(TimeSpan.FromMinutes(1)).WaitAsync(TimeSpan.FromSeconds(20));
        session.Time.Advance(TimeSpan.FromSeconds(30));
        await session.SendAsync("xp");
        await session.Time.WhenArmedAsync(TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromSeconds(20));
        session.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(["421 4.4.2 Timeout, closing connection"], await session.ReadToEndAsync());
    }
}
