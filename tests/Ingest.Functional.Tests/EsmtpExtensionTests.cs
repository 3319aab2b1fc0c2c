using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Ingest.Functional.Tests;

/// <summary>
/// LIMITS (RFC 9422), DSN (RFC 3461), BINARYMIME (RFC 3030) and REQUIRETLS (RFC 8689) with a real
/// client over a real socket, down to the envelope lines in the Maildir file.
/// </summary>
public sealed class EsmtpExtensionTests : IDisposable
{
    private readonly TestCertificate _certificate = TestCertificate.Create();

    public void Dispose() => _certificate.Dispose();

    private static MimeMessage Message(params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("bob@example.org"));
        foreach (var recipient in to)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = "extensions";
        message.Body = new TextPart("plain") { Text = "hello\r\n" };
        return message;
    }

    /// <summary>MailKit's way to ask for DSNs: per recipient, an envelope id, and RET.</summary>
    private sealed class DsnClient : SmtpClient
    {
        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) => mailbox.Address switch
        {
            "alice@example.com" => DeliveryStatusNotification.Success | DeliveryStatusNotification.Failure,
            "carol@example.com" => DeliveryStatusNotification.Never,
            _ => null,
        };

        protected override string GetEnvelopeId(MimeMessage message) => "QQ314159+id";
    }

    [Fact]
    public async Task MailKitsDsnRequestReachesTheMaildirPerRecipient()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var client = new DsnClient { DeliveryStatusNotificationType = DeliveryStatusNotificationType.HeadersOnly };
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Dsn));
        await client.SendAsync(Message("alice@example.com", "bob@example.com", "carol@example.com"));
        await client.DisconnectAsync(quit: true);

        var prelude = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles())).Prelude.Split("\r\n");
        Assert.Equal("X-Ingest-Mail-Parameters: RET=HDRS ENVID=QQ314159+2Bid", prelude[1]);
        Assert.Equal("Delivered-To: <alice@example.com>", prelude[2]);
        // MailKit may add ORCPT=rfc822;<the address>; either way it is carried as sent.
        Assert.Matches(OriginalRecipient("alice@example.com", "SUCCESS,FAILURE"), prelude[3]);
        Assert.Equal("Delivered-To: <bob@example.com>", prelude[4]);
        Assert.Equal("Delivered-To: <carol@example.com>", prelude[5]);
        Assert.Matches(OriginalRecipient("carol@example.com", "NEVER"), prelude[6]);
        Assert.StartsWith("Received: ", prelude[7], StringComparison.Ordinal);
    }

    private static Regex OriginalRecipient(string address, string notify) =>
        new($"^X-Ingest-Rcpt-Parameters: <{Regex.Escape(address)}> NOTIFY={notify}( ORCPT=rfc822;{Regex.Escape(address)})?$");

    // RFC 3030 3: a binary part goes as BODY=BINARYMIME by BDAT, and arrives octet for octet.
    [Fact]
    public async Task MailKitSendsABinaryBodyAsBinaryMimeAndItArrivesUntouched()
    {
        await using var gateway = await RunningGateway.StartAsync();
        var message = Message("alice@example.com");
        var octets = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).Concat("\r\n.\r\n\n.\n\0"u8.ToArray()).ToArray();
        message.Body = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(octets)),
            ContentTransferEncoding = ContentEncoding.Binary,
        };
        using var client = new SmtpClient();
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.BinaryMime));
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        var file = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles()));
        Assert.Contains("\r\nX-Ingest-Mail-Parameters: BODY=BINARYMIME\r\n", file.Prelude, StringComparison.Ordinal);
        Assert.Equal(MailKitSend.Wire(message), file.Message);
        Assert.True(file.Message.AsSpan().IndexOf(octets) >= 0);
    }

    // RFC 8689 4: REQUIRETLS is offered once TLS is up, and the requirement travels with the message.
    [Fact]
    public async Task MailKitAsksForRequireTlsOverStartTlsAndTheMaildirKeepsIt()
    {
        await using var gateway = await RunningGateway.StartAsync(_certificate.PemSettings);
        using var client = new SmtpClient
        {
            RequireTLS = true,
            ServerCertificateValidationCallback = (_, certificate, _, _) => new X509Certificate2(certificate!).Thumbprint == _certificate.Thumbprint,
        };
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.StartTls);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.RequireTLS));
        await client.SendAsync(Message("alice@example.com"));
        await client.DisconnectAsync(quit: true);

        var prelude = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles())).Prelude;
        Assert.StartsWith("Return-Path: <bob@example.org>\r\nX-Ingest-Mail-Parameters: REQUIRETLS\r\nDelivered-To: <alice@example.com>\r\n", prelude, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireTlsIsNeitherOfferedNorTakenInPlaintext()
    {
        await using var gateway = await RunningGateway.StartAsync(_certificate.PemSettings);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO raw.example\r\nMAIL FROM:<s@raw.example> REQUIRETLS\r\n");
        var ehlo = (await client.ReadReplyAsync())!;
        Assert.DoesNotContain("REQUIRETLS", ehlo, StringComparison.Ordinal);
        Assert.Contains("250-STARTTLS", ehlo, StringComparison.Ordinal);
        await client.ExpectAsync("530 5.7.10");
    }

    // RFC 9422: the limits the EHLO reply names are the ones the session keeps.
    [Fact]
    public async Task LimitsAreAdvertisedFromTheConfigurationAndKept()
    {
        await using var gateway = await RunningGateway.StartAsync(["Ingest:Smtp:MaxRecipients=2", "Ingest:Smtp:MaxTransactionsPerSession=2"]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO raw.example\r\n");
        Assert.Contains("250-LIMITS RCPTMAX=2 MAILMAX=2", (await client.ReadReplyAsync())!, StringComparison.Ordinal);
        await client.SendAsync("MAIL FROM:<s@raw.example>\r\nRCPT TO:<a@dest.example>\r\nRCPT TO:<b@dest.example>\r\nRCPT TO:<c@dest.example>\r\nRSET\r\n"
            + "MAIL FROM:<s@raw.example>\r\nRSET\r\nMAIL FROM:<s@raw.example>\r\n");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("452 4.5.3");
        await client.ExpectAsync("250 2.0.0");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.0.0");
        await client.ExpectAsync("421 4.7.0");
        Assert.True(await client.IsClosedAsync());
    }
}
