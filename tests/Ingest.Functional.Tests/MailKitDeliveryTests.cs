using System.Text;
using MailKit.Net.Smtp;
using MimeKit;

namespace Ingest.Functional.Tests;

/// <summary>A client nobody here wrote, over a real socket: what it sends is what lands in the Maildir.</summary>
public sealed class MailKitDeliveryTests
{
    private static MimeMessage Message(int approximateSize, string to = "alice@example.com", bool eightBit = false)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("bob@example.org"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"test of {approximateSize} octets";
        var text = new StringBuilder(approximateSize + 100);
        var random = new Random(approximateSize);
        for (var line = 0; text.Length < approximateSize; line++)
        {
            // Some lines start with a dot, so DATA's dot-stuffing is exercised on the way.
            text.Append(line % 5 == 0 ? "." : "").Append(eightBit ? "Grüße " : "line ").Append(line).Append(' ')
                .Append(new string((char)('a' + random.Next(26)), random.Next(1, 70))).Append("\r\n");
        }

        message.Body = new TextPart("plain")
        {
            Text = text.ToString(),
            ContentTransferEncoding = eightBit ? ContentEncoding.EightBit : ContentEncoding.SevenBit,
        };
        return message;
    }

    [Theory]
    [InlineData(1024, false)]
    [InlineData(1024, true)]
    [InlineData(150 * 1024, false)]
    [InlineData(150 * 1024, true)]
    [InlineData(30 * 1024 * 1024, false)]
    [InlineData(30 * 1024 * 1024, true)]
    public async Task MessageArrivesByteForByte(int size, bool useData)
    {
        await using var gateway = await RunningGateway.StartAsync();
        var message = Message(size);
        await MailKitSend.SendAsync(gateway.EndPoint, message, useData);

        var file = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles()));
        Assert.Equal(MailKitSend.Wire(message), file.Message);
        Assert.StartsWith("Return-Path: <bob@example.org>\r\nDelivered-To: <alice@example.com>\r\nReceived: from ", file.Prelude, StringComparison.Ordinal);
        Assert.Contains("by gw.test (Ingest) with ESMTP id ", file.Prelude, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EightBitBodyArrivesUnchanged()
    {
        await using var gateway = await RunningGateway.StartAsync();
        var message = Message(4096, eightBit: true);
        await MailKitSend.SendAsync(gateway.EndPoint, message, useData: true);
        Assert.Equal(MailKitSend.Wire(message), MaildirFile.Read(Assert.Single(gateway.DeliveredFiles())).Message);
    }

    [Fact]
    public async Task InternationalAddressesUseSmtpUtf8()
    {
        await using var gateway = await RunningGateway.StartAsync();
        var message = Message(2048, to: "jörg@bücher.example", eightBit: true);
        await MailKitSend.SendAsync(gateway.EndPoint, message, useData: false);
        var file = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles()));
        Assert.Contains("Delivered-To: <jörg@bücher.example>", file.Prelude, StringComparison.Ordinal);
        Assert.Contains("with UTF8SMTP id", file.Prelude, StringComparison.Ordinal);
        Assert.Equal(MailKitSend.Wire(message, international: false), file.Message);
    }

    [Fact]
    public async Task ManyRecipientsMakeOneFile()
    {
        await using var gateway = await RunningGateway.StartAsync();
        var message = Message(1024);
        message.To.Add(MailboxAddress.Parse("carol@example.com"));
        message.Cc.Add(MailboxAddress.Parse("dave@example.net"));
        await MailKitSend.SendAsync(gateway.EndPoint, message, useData: false);
        var file = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles()));
        Assert.Contains("Delivered-To: <carol@example.com>\r\nDelivered-To: <dave@example.net>\r\n", file.Prelude, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralMessagesOnOneConnectionEachLand()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var client = new SmtpClient();
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, MailKit.Security.SecureSocketOptions.None);
        for (var i = 0; i < 20; i++)
        {
            await client.SendAsync(Message(512 + i * 100));
        }

        await client.DisconnectAsync(quit: true);
        Assert.Equal(20, gateway.DeliveredFiles().Length);
    }
}
