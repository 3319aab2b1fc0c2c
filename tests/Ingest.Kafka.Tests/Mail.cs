using System.Text;
using MailKit.Net.Smtp;
using MimeKit;

namespace Ingest.Kafka.Tests;

/// <summary>MailKit messages of a given size, their exact wire bytes, and sending them to a gateway.</summary>
internal static class Mail
{
    public static MimeMessage Message(int approximateSize, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("bob@example.org"));
        foreach (var recipient in to.Length == 0 ? ["alice@example.com"] : to)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = $"test of {approximateSize} octets";
        var text = new StringBuilder(approximateSize + 100);
        var random = new Random(approximateSize);
        for (var line = 0; text.Length < approximateSize; line++)
        {
            // Some lines start with a dot, so DATA's dot-stuffing is exercised on the way.
            text.Append(line % 5 == 0 ? "." : "").Append("line ").Append(line).Append(' ')
                .Append(new string((char)('a' + random.Next(26)), random.Next(1, 70))).Append("\r\n");
        }

        message.Body = new TextPart("plain") { Text = text.ToString(), ContentTransferEncoding = ContentEncoding.SevenBit };
        return message;
    }

    public static byte[] WireBytes(MimeMessage message) => MailKitSend.Wire(message);

    /// <summary>Sends one message on a fresh connection; returns the message id from the 250 reply.</summary>
    public static Task<string> SendAsync(KafkaGateway gateway, MimeMessage message, bool useData) => MailKitSend.SendAsync(gateway.EndPoint, message, useData);

    /// <summary>Sends and expects a refusal; returns its SMTP code.</summary>
    public static async Task<int> SendRefusedAsync(KafkaGateway gateway, MimeMessage message, bool useData)
    {
        var refusal = await Assert.ThrowsAsync<SmtpCommandException>(() => SendAsync(gateway, message, useData));
        return (int)refusal.StatusCode;
    }
}
