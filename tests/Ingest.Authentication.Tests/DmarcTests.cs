using Ingest.Authentication.Dkim;
using Ingest.Authentication.Dmarc;
using Ingest.Authentication.Mail;
using Ingest.Authentication.Spf;

namespace Ingest.Authentication.Tests;

/// <summary>DMARC (RFC 7489, DMARCbis tree walk) over the loopback DNS server: policy discovery, alignment, the From field.</summary>
public sealed class DmarcTests : IDisposable
{
    private readonly TestDnsServer _dns = new();

    private static SpfVerdict Spf(SpfResult result, string domain) => new(result, domain, false, "");

    private static DkimVerdict Dkim(DkimResult result, string domain) => new(result, domain, "s", "rsa-sha256", "", null, 0, "");

    private Task<DmarcVerdict> Evaluate(string from, SpfVerdict? spf, params DkimVerdict[] dkim) =>
        DmarcEvaluator.EvaluateAsync(_dns.Resolver(), from, spf, dkim, CancellationToken.None);

    [Fact]
    public async Task AnAlignedPassIsAPass()
    {
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject");
        var verdict = await Evaluate("example.com", Spf(SpfResult.Pass, "example.com"));
        Assert.Equal(DmarcResult.Pass, verdict.Result);
        Assert.Equal(DmarcPolicy.Reject, verdict.Policy);
        Assert.Equal(DmarcPolicy.None, verdict.Disposition);
        Assert.Equal(DmarcResult.Pass, (await Evaluate("example.com", Spf(SpfResult.Fail, "other.test"), Dkim(DkimResult.Pass, "example.com"))).Result);
    }

    [Fact]
    public async Task NoAlignedPassFailsWithThePolicyAsDisposition()
    {
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject");
        var verdict = await Evaluate("example.com", Spf(SpfResult.Pass, "other.test"), Dkim(DkimResult.Pass, "other.test"), Dkim(DkimResult.Fail, "example.com"));
        Assert.Equal(DmarcResult.Fail, verdict.Result);
        Assert.Equal(DmarcPolicy.Reject, verdict.Disposition);
    }

    [Fact]
    public async Task RelaxedAlignmentFindsTheOrganizationalDomainByTheTreeWalk()
    {
        // No public suffix list: example.com's own record makes it the Organizational Domain.
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=quarantine");
        Assert.Equal(DmarcResult.Pass, (await Evaluate("news.example.com", Spf(SpfResult.Pass, "bounces.example.com"))).Result);
        Assert.Equal(DmarcResult.Pass, (await Evaluate("example.com", null, Dkim(DkimResult.Pass, "mail.example.com"))).Result);
        Assert.Equal(DmarcResult.Fail, (await Evaluate("example.com", Spf(SpfResult.Pass, "example.org"))).Result);
    }

    [Fact]
    public async Task StrictAlignmentNeedsTheSameName()
    {
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject; aspf=s; adkim=s");
        Assert.Equal(DmarcResult.Fail, (await Evaluate("example.com", Spf(SpfResult.Pass, "bounces.example.com"), Dkim(DkimResult.Pass, "mail.example.com"))).Result);
        Assert.Equal(DmarcResult.Pass, (await Evaluate("example.com", Spf(SpfResult.Pass, "EXAMPLE.com"))).Result);
    }

    [Fact]
    public async Task ASubdomainGetsSpAndANonexistentOneNp()
    {
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; np=none");
        _dns.A("real.example.com", "192.0.2.1");
        var sub = await Evaluate("real.example.com", null);
        Assert.Equal(DmarcResult.Fail, sub.Result);
        Assert.Equal(DmarcPolicy.Quarantine, sub.Policy);
        var nonexistent = await Evaluate("ghost.example.com", null);
        Assert.Equal(DmarcPolicy.None, nonexistent.Policy);
    }

    [Fact]
    public async Task ThePublicSuffixFlagDecidesTheOrganizationalDomain()
    {
        // A PSD record (psd=y) at "test": the Organizational Domain of a.b.test is b.test, not test.
        _dns.Txt("_dmarc.test", "v=DMARC1; p=reject; psd=y");
        var walk = new DmarcTreeWalk(_dns.Resolver(), CancellationToken.None);
        Assert.Equal("b.test", await walk.OrganizationalDomainAsync("a.b.test"));
        Assert.Equal(DmarcResult.Fail, (await Evaluate("a.b.test", Spf(SpfResult.Pass, "c.test"))).Result);
        Assert.Equal(DmarcResult.Pass, (await Evaluate("a.b.test", Spf(SpfResult.Pass, "x.b.test"))).Result);
    }

    [Fact]
    public async Task TheTreeWalkAsksAtMostEightNames()
    {
        Assert.Equal(
            ["a.b.c.d.e.f.g.h.i.example", "d.e.f.g.h.i.example", "e.f.g.h.i.example", "f.g.h.i.example", "g.h.i.example", "h.i.example", "i.example", "example"],
            DmarcTreeWalk.Targets("a.b.c.d.e.f.g.h.i.example"));
        var verdict = await Evaluate("a.b.c.d.e.f.g.h.i.example", null);
        Assert.Equal(DmarcResult.None, verdict.Result);
        // Ten labels: the walk jumps to seven, so the names of eight and nine labels are never asked.
        Assert.Equal(0, _dns.QueriesFor("_dmarc.c.d.e.f.g.h.i.example"));
        Assert.Equal(1, _dns.QueriesFor("_dmarc.d.e.f.g.h.i.example"));
        Assert.Equal(1, _dns.QueriesFor("_dmarc.example"));
    }

    [Fact]
    public async Task TestingModeReportsButDisposesOfNothing()
    {
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject; t=y");
        var verdict = await Evaluate("example.com", null);
        Assert.Equal(DmarcResult.Fail, verdict.Result);
        Assert.True(verdict.Testing);
        Assert.Equal(DmarcPolicy.None, verdict.Disposition);
    }

    [Fact]
    public async Task DnsTroubleIsATempErrorNeverAFail()
    {
        _dns.ServerFailure("_dmarc.broken.test");
        Assert.Equal(DmarcResult.TempError, (await Evaluate("broken.test", Spf(SpfResult.Pass, "broken.test"))).Result);
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject");
        // SPF could not be checked: a pass may have been missed, so no fail.
        Assert.Equal(DmarcResult.TempError, (await Evaluate("example.com", Spf(SpfResult.TempError, "example.com"))).Result);
    }

    [Fact]
    public async Task RecordsThatAreNotDmarcOrAreDoubledAreIgnored()
    {
        _dns.Txt("_dmarc.one.test", "v=spf1 -all", "v=DMARC1; p=reject");
        _dns.Txt("_dmarc.two.test", "v=DMARC1; p=reject", "v=DMARC1; p=none");
        Assert.Equal(DmarcPolicy.Reject, (await Evaluate("one.test", null)).Policy);
        Assert.Equal(DmarcResult.None, (await Evaluate("two.test", null)).Result);
    }

    [Theory]
    [InlineData("alice@example.com", "example.com")]
    [InlineData("Alice <alice@Example.COM>", "example.com")]
    [InlineData("\"Smith, Alice\" <alice@example.com> (work)", "example.com")]
    [InlineData("alice@example.com (comment, with comma)", "example.com")]
    [InlineData("a@x.test, b@y.test", null)]
    [InlineData("Group: a@x.test;", null)]
    [InlineData("no address", null)]
    [InlineData("<alice@[192.0.2.1]>", null)]
    [InlineData("Alice <alice@example.com", null)]
    public void TheFromFieldIsReadStrictly(string value, string? domain)
    {
        Assert.Equal(domain, FromDomain.Parse(value, out var error));
        Assert.Equal(domain is null, error is not null);
    }

    [Fact]
    public void TwoFromFieldsAreAnError()
    {
        var fields = new List<HeaderField> { new("From", "From: a@x.test"), new("Subject", "Subject: s"), new("from", "from: b@y.test") };
        Assert.Null(FromDomain.Find(fields, out var error));
        Assert.Contains("2 From", error, StringComparison.Ordinal);
        Assert.Null(FromDomain.Find([], out error));
    }

    public void Dispose() => _dns.Dispose();
}
