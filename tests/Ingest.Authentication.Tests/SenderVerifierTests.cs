using System.Net;
using System.Text;
using Ingest.Protocol;
using Ingest.Session;

namespace Ingest.Authentication.Tests;

/// <summary>SPF, DKIM and DMARC together as the session drives them, the Authentication-Results field, and the policy.</summary>
public sealed class SenderVerifierTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private readonly TestDnsServer _dns = new();

    public SenderVerifierTests()
    {
        _dns.Txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject");
        _dns.Txt("rsa2048._domainkey.example.com", DkimKeys.Rsa2048.Value.Record);
        _dns.Txt("evil.test", "v=spf1 ip4:192.0.2.0/24 -all");
        _dns.Txt("rsa2048._domainkey.evil.test", DkimKeys.Rsa2048.Value.Record);
    }

    private SenderVerifier Verifier(Action<AuthenticationOptions>? configure = null)
    {
        var options = new AuthenticationOptions { Enabled = true };
        configure?.Invoke(options);
        return new SenderVerifier(options, "gw.example", _dns.Resolver(), TimeProvider.System, AuthenticationMetrics.Standalone());
    }

    private static async Task<VerificationOutcome> Run(ISenderVerifier verifier, string reversePath, byte[] message, IPAddress? client = null)
    {
        using var verification = verifier.Start(new SenderInfo(client ?? Client, "mail.example.com", reversePath, Authenticated: false));
        verification.Append(message);
        return await verification.FinishAsync(CancellationToken.None);
    }

    private static byte[] Signed(string domain = "example.com", string from = "alice@example.com") =>
        DkimKeys.Sign(DkimKeys.Message(from: from), DkimKeys.Rsa2048.Value.Private, domain, "rsa2048");

    [Fact]
    public async Task AnAuthenticMessageGetsPassesInTheHeader()
    {
        var outcome = await Run(Verifier(), "bounce@example.com", Signed());
        Assert.Equal(Rejection.None, outcome.Rejection);
        var verdicts = outcome.Verdicts!;
        var header = Encoding.ASCII.GetString(verdicts.HeaderField);
        Assert.StartsWith("Authentication-Results: gw.example;\r\n\tspf=pass (", header, StringComparison.Ordinal);
        Assert.Contains("\r\n\tsmtp.mailfrom=bounce@example.com;\r\n\tdkim=pass (good signature)\r\n\theader.d=example.com header.s=rsa2048 header.a=rsa-sha256 header.b=\"", header, StringComparison.Ordinal);
        Assert.Contains(";\r\n\tdmarc=pass (p=reject dis=none; aligned SPF example.com)\r\n\theader.from=example.com\r\n", header, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", header, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\n\r\n", header, StringComparison.Ordinal);
        Assert.Equal("pass example.com", verdicts.Spf);
        Assert.Equal(["pass example.com rsa2048 rsa-sha256"], verdicts.Dkim);
        Assert.Equal("pass example.com reject", verdicts.Dmarc);
    }

    [Fact]
    public async Task ASpoofedFromFailsDmarcAndIsRefusedOnlyWhenThePolicyIsOn()
    {
        // Signed and sent by evil.test, but claiming to be from example.com.
        var spoof = Signed(domain: "evil.test", from: "ceo@example.com");
        var reported = await Run(Verifier(), "x@evil.test", spoof);
        Assert.Equal(Rejection.None, reported.Rejection);
        Assert.Equal("fail example.com reject", reported.Verdicts!.Dmarc);
        Assert.Equal(["pass evil.test rsa2048 rsa-sha256"], reported.Verdicts.Dkim);

        var refused = await Run(Verifier(o => o.RejectDmarcFail = true), "x@evil.test", spoof);
        Assert.Equal(Rejection.DmarcRejected, refused.Rejection);
    }

    [Fact]
    public async Task SpfFailIsDecidedAtMailWhenThePolicyIsOn()
    {
        var verifier = Verifier(o => o.RejectSpfFail = true);
        using var outsider = verifier.Start(new SenderInfo(IPAddress.Parse("203.0.113.5"), "h.test", "a@example.com", Authenticated: false));
        Assert.True(outsider.DecidesAtMail);
        Assert.Equal(Rejection.SpfFailed, await outsider.CheckSenderAsync(CancellationToken.None));

        using var insider = verifier.Start(new SenderInfo(Client, "h.test", "a@example.com", Authenticated: false));
        Assert.Equal(Rejection.None, await insider.CheckSenderAsync(CancellationToken.None));

        using var submitter = verifier.Start(new SenderInfo(IPAddress.Parse("203.0.113.5"), "h.test", "a@example.com", Authenticated: true));
        Assert.False(submitter.DecidesAtMail);
        Assert.False(Verifier().Start(new SenderInfo(Client, "h", "a@example.com", false)).DecidesAtMail);
    }

    [Fact]
    public async Task TemporaryDnsErrorsDeferOnlyWhenConfigured()
    {
        _dns.ServerFailure("down.test");
        var accept = Verifier(o => o.RejectSpfFail = true).Start(new SenderInfo(Client, "h", "a@down.test", false));
        Assert.Equal(Rejection.None, await accept.CheckSenderAsync(CancellationToken.None));
        var defer = Verifier(o => { o.RejectSpfFail = true; o.TemporaryErrors = TemporaryErrorAction.Defer; }).Start(new SenderInfo(Client, "h", "a@down.test", false));
        Assert.Equal(Rejection.SpfTemporaryError, await defer.CheckSenderAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TheDnsBudgetBoundsTheWait()
    {
        _dns.NoAnswer("rsa2048._domainkey.slow.test");
        var verifier = new SenderVerifier(new AuthenticationOptions { Enabled = true, DnsBudget = TimeSpan.FromMilliseconds(300) }, "gw.example",
            _dns.Resolver(timeout: TimeSpan.FromSeconds(30)), TimeProvider.System, AuthenticationMetrics.Standalone());
        var outcome = await Run(verifier, "a@example.com", Signed(domain: "slow.test")).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.StartsWith("temperror slow.test", outcome.Verdicts!.Dkim[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedFromAndAnOversizedHeaderAreClearVerdicts()
    {
        var twoFrom = Encoding.ASCII.GetBytes("From: a@example.com\r\nFrom: b@example.com\r\n\r\nbody\r\n");
        var outcome = await Run(Verifier(), "a@example.com", twoFrom);
        Assert.Contains("dmarc=permerror (2 From fields)", Encoding.ASCII.GetString(outcome.Verdicts!.HeaderField), StringComparison.Ordinal);

        var huge = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("X-Pad: " + new string('x', 90) + "\r\n", 100)) + "From: a@example.com\r\n\r\nbody\r\n");
        var overflow = await Run(Verifier(o => o.MaxHeaderBytes = 4096), "a@example.com", huge);
        var header = Encoding.ASCII.GetString(overflow.Verdicts!.HeaderField);
        Assert.Contains("dkim=permerror (header section over 4096 octets, not verified)", header, StringComparison.Ordinal);
        Assert.Contains("dmarc=permerror", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileValuesCannotBreakOutOfTheHeader()
    {
        var message = Encoding.ASCII.GetBytes("DKIM-Signature: v=1; a=rsa-sha256; d=x\"y; s=a(b)\\c; h=from; bh=AA==; b=AA==\r\nFrom: a@example.com\r\n\r\nbody\r\n");
        var header = Encoding.ASCII.GetString((await Run(Verifier(), "a@example.com", message)).Verdicts!.HeaderField);
        Assert.Contains("header.d=\"x\\\"y\" header.s=\"a(b)\\\\c\"", header, StringComparison.Ordinal);
        Assert.Equal(header.Split("\r\n").Length - 1, header.Split("\r\n").Count(line => line.Length > 0) );
    }

    public void Dispose() => _dns.Dispose();
}
