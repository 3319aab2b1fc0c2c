using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Security;

namespace Ingest.Functional.Tests;

/// <summary>
/// Sender authentication end to end: the real gateway, a real DNS server on loopback serving the
/// sender's SPF, DKIM key and DMARC policy, messages signed by MimeKit, verdicts read back from
/// the Maildir, and the opt-in refusals.
/// </summary>
public sealed class AuthenticationTests : IDisposable
{
    private static readonly Lazy<(Org.BouncyCastle.Crypto.AsymmetricKeyParameter Key, string Record)> Key = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return (DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(true)).Private, "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
    });

    private readonly TestDnsServer _dns = new();

    public AuthenticationTests()
    {
        _dns.Txt("example.com", "v=spf1 ip4:127.0.0.0/8 -all");
        _dns.Txt("_dmarc.example.com", "v=DMARC1; p=reject");
        _dns.Txt("sel._domainkey.example.com", Key.Value.Record);
        _dns.Txt("evil.test", "v=spf1 ip4:127.0.0.0/8 -all");
        _dns.Txt("sel._domainkey.evil.test", Key.Value.Record);
        _dns.Txt("strict.test", "v=spf1 -all");
    }

    private Task<RunningGateway> StartAsync(params string[] settings) => RunningGateway.StartAsync(
    [
        "Ingest:Authentication:Enabled=true",
        $"Ingest:Authentication:Dns:Servers:0={_dns.Endpoint}",
        "Ingest:Authentication:Dns:QueryTimeout=00:00:03",
        .. settings,
    ]);

    private static MimeMessage Signed(string from, string domain)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("bob@example.net"));
        message.Subject = "verified";
        message.Body = new TextPart("plain") { Text = "Hello,\r\nsigned and streamed.\r\n" };
        var signer = new DkimSigner(Key.Value.Key, domain, "sel")
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject]);
        return message;
    }

    private static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task VerdictsArePrependedToEveryMessageInTheMaildir()
    {
        await using var gateway = await StartAsync();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(Signed("alice@example.com", "example.com"), MailboxAddress.Parse("bounce@example.com"), [MailboxAddress.Parse("bob@example.net")]);
            await client.DisconnectAsync(true);
        }

        var file = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles()));
        var results = file.Prelude[file.Prelude.IndexOf("Authentication-Results:", StringComparison.Ordinal)..file.Prelude.IndexOf("Received:", StringComparison.Ordinal)];
        Assert.StartsWith("Authentication-Results: gw.test;\r\n\tspf=pass (", results, StringComparison.Ordinal);
        Assert.Contains("smtp.mailfrom=bounce@example.com;\r\n\tdkim=pass (good signature)\r\n\theader.d=example.com header.s=sel header.a=rsa-sha256", results, StringComparison.Ordinal);
        Assert.Contains("dmarc=pass (p=reject dis=none; aligned SPF example.com)\r\n\theader.from=example.com\r\n", results, StringComparison.Ordinal);
        Assert.StartsWith("Return-Path: <bounce@example.com>\r\nDelivered-To: <bob@example.net>\r\nAuthentication-Results:", file.Prelude, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADmarcRejectFailureIsRefusedAtTheEndOfDataWhenAsked(bool bdat)
    {
        await using var gateway = await StartAsync("Ingest:Authentication:RejectDmarcFail=true");
        var spoof = Bytes(Signed("ceo@example.com", "evil.test"));
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\n");
        await client.ExpectAsync("250");
        await client.SendAsync("MAIL FROM:<x@evil.test>\r\n");
        await client.ExpectAsync("250");
        await client.SendAsync("RCPT TO:<bob@example.net>\r\n");
        await client.ExpectAsync("250");
        if (bdat)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes($"BDAT {spoof.Length} LAST\r\n").Concat(spoof).ToArray());
        }
        else
        {
            await client.SendAsync("DATA\r\n");
            await client.ExpectAsync("354");
            await client.SendAsync(spoof.Concat(".\r\n"u8.ToArray()).ToArray());
        }

        Assert.StartsWith("550 5.7.1 ", await client.ExpectAsync("550"), StringComparison.Ordinal);
        Assert.Empty(gateway.DeliveredFiles());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AForgedVerdictUnderTheGatewaysIdIsRemovedAndOthersStay(bool bdat)
    {
        // RFC 8601 5: a field claiming this gateway's authserv-id did not come from it.
        await using var gateway = await StartAsync();
        var sent = Encoding.ASCII.GetBytes(
            "Authentication-Results: GW.TEST;\r\n\tspf=pass smtp.mailfrom=x@example.com; dmarc=pass\r\n" +
            "Authentication-Results: relay.other.example; spf=pass smtp.mailfrom=x@example.com\r\n" +
            "From: alice@example.com\r\nAuthentication-Results: (forged) gw.test 1; dkim=pass\r\nSubject: hi\r\n\r\n" +
            "Authentication-Results: gw.test; the body is not a header\r\n");
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<x@example.com>\r\nRCPT TO:<bob@example.net>\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        if (bdat)
        {
            // Cut inside the forged field's authserv-id: the filter holds it across the chunks.
            var cut = Encoding.ASCII.GetByteCount("Authentication-Results: GW.T");
            await client.SendAsync(Encoding.ASCII.GetBytes($"BDAT {cut}\r\n").Concat(sent[..cut]).ToArray());
            await client.ExpectAsync("250");
            await client.SendAsync(Encoding.ASCII.GetBytes($"BDAT {sent.Length - cut} LAST\r\n").Concat(sent[cut..]).ToArray());
        }
        else
        {
            await client.SendAsync("DATA\r\n");
            await client.ExpectAsync("354");
            await client.SendAsync(sent.Concat(".\r\n"u8.ToArray()).ToArray());
        }

        await client.ExpectAsync("250");
        var file = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles()));
        Assert.Contains("Authentication-Results: gw.test;\r\n\tspf=pass (", file.Prelude, StringComparison.Ordinal);
        Assert.Equal(
            "Authentication-Results: relay.other.example; spf=pass smtp.mailfrom=x@example.com\r\n" +
            "From: alice@example.com\r\nSubject: hi\r\n\r\n" +
            "Authentication-Results: gw.test; the body is not a header\r\n",
            Encoding.ASCII.GetString(file.Message));
    }

    [Fact]
    public async Task AnSpfFailIsRefusedAtMailWhenAsked()
    {
        await using var gateway = await StartAsync("Ingest:Authentication:RejectSpfFail=true");
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<a@strict.test>\r\nMAIL FROM:<a@example.com>\r\n");
        await client.ExpectAsync("250");
        Assert.Equal("550 5.7.23 SPF validation failed", await client.ExpectAsync("550"));
        await client.ExpectAsync("250 2.1.0");
    }

    [Fact]
    public async Task InvalidSettingsStopStartUpNamingTheKey()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            StartAsync("Ingest:Authentication:Dns:Servers:0=not-an-address"));
        Assert.Contains("Ingest:Authentication:Dns:Servers:0", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dns.Dispose();
}
