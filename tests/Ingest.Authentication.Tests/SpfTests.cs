using System.Net;
using Ingest.Authentication.Spf;

namespace Ingest.Authentication.Tests;

/// <summary>SPF (RFC 7208) against the loopback DNS server: every mechanism, the modifiers, macros and the limits.</summary>
public sealed class SpfTests : IDisposable
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Client6 = IPAddress.Parse("2001:db8::10");
    private readonly TestDnsServer _dns = new();

    private Task<SpfVerdict> Check(string sender, IPAddress? client = null, string helo = "mail.sender.test") =>
        SpfEvaluator.CheckAsync(_dns.Resolver(), client ?? Client, sender, helo, CancellationToken.None);

    [Theory]
    [InlineData("v=spf1 ip4:192.0.2.0/24 -all", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:192.0.2.10 -all", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 -all", SpfResult.Fail)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 ~all", SpfResult.SoftFail)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 ?all", SpfResult.Neutral)]
    [InlineData("v=spf1 ip4:198.51.100.0/24", SpfResult.Neutral)]
    [InlineData("v=spf1 -ip4:192.0.2.10 +all", SpfResult.Fail)]
    [InlineData("v=spf1 ip6:2001:db8::/32 -all", SpfResult.Fail)]
    [InlineData("v=spf1 a -all", SpfResult.Pass)]
    [InlineData("v=spf1 a:other.test -all", SpfResult.Fail)]
    [InlineData("v=spf1 a:other.test/24 -all", SpfResult.Pass)]
    [InlineData("v=spf1 mx -all", SpfResult.Pass)]
    [InlineData("v=spf1 mx:other.test/24 -all", SpfResult.Pass)]
    [InlineData("v=spf1 ptr -all", SpfResult.Pass)]
    [InlineData("v=spf1 ptr:elsewhere.test -all", SpfResult.Fail)]
    [InlineData("v=spf1 exists:%{ir}.list.test -all", SpfResult.Pass)]
    [InlineData("v=spf1 exists:%{l}.users.test -all", SpfResult.Pass)]
    [InlineData("v=spf1 include:good.test -all", SpfResult.Pass)]
    [InlineData("v=spf1 include:bad.test -all", SpfResult.Fail)]
    [InlineData("v=spf1 include:nospf.test -all", SpfResult.PermError)]
    [InlineData("v=spf1 redirect=good.test", SpfResult.Pass)]
    [InlineData("v=spf1 redirect=nospf.test", SpfResult.PermError)]
    [InlineData("v=spf1 -all redirect=good.test", SpfResult.Fail)]
    [InlineData("v=spf1 ip4:192.0.2.10 exp=explain.test", SpfResult.Pass)]
    [InlineData("v=spf1 unknown=ignored ip4:192.0.2.10", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:192.0.2.300 -all", SpfResult.PermError)]
    [InlineData("v=spf1 bogus:x -all", SpfResult.PermError)]
    [InlineData("v=spf1 ip4:192.0.2.10 redirect=a.test redirect=b.test", SpfResult.PermError)]
    [InlineData("v=spf1 a:%{z}.test -all", SpfResult.PermError)]
    [InlineData("v=spf1 include:fail.test -all", SpfResult.TempError)]
    [InlineData("v=spf1 a:silent.test -all", SpfResult.TempError)]
    public async Task EachMechanismAndModifierGivesItsResult(string record, SpfResult expected)
    {
        _dns.Txt("sender.test", record);
        _dns.A("sender.test", "192.0.2.10");
        _dns.A("other.test", "192.0.2.99");
        _dns.Mx("sender.test", "mx1.sender.test", "mx2.sender.test");
        _dns.A("mx2.sender.test", "192.0.2.10");
        _dns.Mx("other.test", "mx.other.test");
        _dns.A("mx.other.test", "192.0.2.1");
        _dns.Ptr(Client, "host.sender.test", "unvalidated.sender.test");
        _dns.A("host.sender.test", "192.0.2.10");
        _dns.A("10.2.0.192.list.test", "127.0.0.2");
        _dns.A("alice.users.test", "127.0.0.2");
        _dns.Txt("good.test", "v=spf1 ip4:192.0.2.0/24 -all");
        _dns.Txt("bad.test", "v=spf1 -all");
        _dns.Exists("nospf.test");
        _dns.ServerFailure("fail.test");
        _dns.NoAnswer("silent.test");

        var verdict = await Check("alice@sender.test");

        Assert.Equal(expected, verdict.Result);
        Assert.Equal("sender.test", verdict.Domain);
        Assert.False(verdict.FromHelo);
    }

    [Fact]
    public async Task Ipv6ClientsMatchIp6AndAaaaRecords()
    {
        _dns.Txt("sender.test", "v=spf1 ip4:192.0.2.0/24 a:v6.sender.test//64 -all");
        _dns.A("v6.sender.test", "2001:db8::1");
        Assert.Equal(SpfResult.Pass, (await Check("alice@sender.test", Client6)).Result);
        Assert.Equal(SpfResult.Fail, (await Check("alice@sender.test", IPAddress.Parse("2001:db8:1::1"))).Result);
    }

    [Fact]
    public async Task TheNullSenderIsCheckedAgainstTheHeloName()
    {
        _dns.Txt("mail.sender.test", "v=spf1 ip4:192.0.2.10 -all");
        var verdict = await Check("");
        Assert.Equal(SpfResult.Pass, verdict.Result);
        Assert.True(verdict.FromHelo);
        Assert.Equal("mail.sender.test", verdict.Domain);
    }

    [Fact]
    public async Task NoRecordIsNoneAndTwoRecordsArePermError()
    {
        _dns.Txt("none.test", "some other text");
        _dns.Txt("two.test", "v=spf1 -all", "v=spf1 +all");
        Assert.Equal(SpfResult.None, (await Check("a@none.test")).Result);
        Assert.Equal(SpfResult.None, (await Check("a@nxdomain.test")).Result);
        Assert.Equal(SpfResult.PermError, (await Check("a@two.test")).Result);
        Assert.Equal(SpfResult.None, (await Check("a@singlelabel")).Result);
    }

    [Fact]
    public async Task MoreThanTenDnsLookupsIsPermError()
    {
        // Eleven includes, each a lookup (RFC 7208 4.6.4).
        _dns.Txt("many.test", "v=spf1 " + string.Join(' ', Enumerable.Range(1, 11).Select(i => $"include:i{i}.test")) + " -all");
        for (var i = 1; i <= 11; i++)
        {
            _dns.Txt($"i{i}.test", "v=spf1 ip4:203.0.113.1 -all");
        }

        var verdict = await Check("a@many.test");
        Assert.Equal(SpfResult.PermError, verdict.Result);
        Assert.Contains("10 DNS lookups", verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _dns.QueriesFor("i11.test"));
    }

    [Fact]
    public async Task TenDnsLookupsAreAllowed()
    {
        _dns.Txt("ten.test", "v=spf1 " + string.Join(' ', Enumerable.Range(1, 9).Select(i => $"include:i{i}.test")) + " include:last.test -all");
        for (var i = 1; i <= 9; i++)
        {
            _dns.Txt($"i{i}.test", "v=spf1 ip4:203.0.113.1 -all");
        }

        _dns.Txt("last.test", "v=spf1 ip4:192.0.2.10 -all");
        Assert.Equal(SpfResult.Pass, (await Check("a@ten.test")).Result);
    }

    [Fact]
    public async Task MoreThanTwoVoidLookupsIsPermError()
    {
        _dns.Txt("void.test", "v=spf1 a:v1.test a:v2.test a:v3.test ip4:192.0.2.10 -all");
        var verdict = await Check("a@void.test");
        Assert.Equal(SpfResult.PermError, verdict.Result);
        Assert.Contains("void", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreThanTenMxNamesIsPermError()
    {
        _dns.Txt("mxes.test", "v=spf1 mx -all");
        _dns.Mx("mxes.test", Enumerable.Range(1, 11).Select(i => $"mx{i}.mxes.test").ToArray());
        Assert.Equal(SpfResult.PermError, (await Check("a@mxes.test")).Result);
    }

    [Fact]
    public async Task MacrosExpandAsTheRfcExamplesShow()
    {
        // RFC 7208 7.4, with strong-bad@email.example.com from 192.0.2.3.
        var values = new SpfMacroValues("strong-bad@email.example.com", "strong-bad", "email.example.com", "email.example.com", "192.0.2.3", "in-addr", "mx.example.org", null);
        Assert.Equal("strong-bad@email.example.com", SpfMacro.Expand("%{s}", values));
        Assert.Equal("email.example.com", SpfMacro.Expand("%{o}", values));
        Assert.Equal("email.example.com", SpfMacro.Expand("%{d}", values));
        Assert.Equal("example.com", SpfMacro.Expand("%{d2}", values));
        Assert.Equal("com.example.email", SpfMacro.Expand("%{dr}", values));
        Assert.Equal("example.email", SpfMacro.Expand("%{d2r}", values));
        Assert.Equal("strong-bad", SpfMacro.Expand("%{l}", values));
        Assert.Equal("strong.bad", SpfMacro.Expand("%{l-}", values));
        Assert.Equal("bad.strong", SpfMacro.Expand("%{lr-}", values));
        Assert.Equal("strong", SpfMacro.Expand("%{l1r-}", values));
        Assert.Equal("3.2.0.192.in-addr._spf.example.com", SpfMacro.Expand("%{ir}.%{v}._spf.%{d2}", values));
        Assert.Equal("bad.strong.lp._spf.example.com", SpfMacro.Expand("%{lr-}.lp._spf.%{d2}", values));
        Assert.Equal("strong-bad%40email.example.com", SpfMacro.Expand("%{S}", values));
        Assert.False(SpfMacro.IsValid("%{x}", false));
        Assert.False(SpfMacro.IsValid("%{d0}", false));
        Assert.False(SpfMacro.IsValid("%", false));
    }

    [Fact]
    public async Task Ipv6ClientsExpandToNibbles()
    {
        _dns.Txt("nibble.test", "v=spf1 exists:%{ir}.%{v}.nibble.test -all");
        var name = string.Join('.', "20010db8000000000000000000000010".Reverse()) + ".ip6.nibble.test";
        _dns.A(name, "127.0.0.2");
        Assert.Equal(SpfResult.Pass, (await Check("a@nibble.test", Client6)).Result);
    }

    [Fact]
    public async Task ATimeoutOnTheRecordIsTempError()
    {
        _dns.NoAnswer("slow.test");
        _dns.ServerFailure("broken.test");
        Assert.Equal(SpfResult.TempError, (await Check("a@slow.test")).Result);
        Assert.Equal(SpfResult.TempError, (await Check("a@broken.test")).Result);
    }

    public void Dispose() => _dns.Dispose();
}
