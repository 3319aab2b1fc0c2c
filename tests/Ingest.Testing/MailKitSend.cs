using System.Net;
using MailKit.Net.Smtp;
using MimeKit;
using Xunit;

namespace Ingest.Testing;

/// <summary>Sending with MailKit's SmtpClient, and the exact bytes it puts on the wire.</summary>
public static class MailKitSend
{
    /// <summary>Sends on a fresh connection, over BDAT unless <paramref name="useData"/>; the message id from "250 2.0.0 OK: queued as id".</summary>
    public static async Task<string> SendAsync(IPEndPoint gateway, MimeMessage message, bool useData)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(gateway.Address.ToString(), gateway.Port, MailKit.Security.SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
        if (useData)
        {
            client.Capabilities &= ~SmtpCapabilities.Chunking;
        }

        var reply = await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
        return reply[(reply.LastIndexOf(' ') + 1)..];
    }

    /// <summary>The bytes MailKit sends: CRLF line endings; headers stay raw UTF-8 only if <paramref name="international"/>
    /// (MailKit keeps them ASCII, IDNA-encoded, unless the message itself needs UTF-8 headers).</summary>
    public static byte[] Wire(MimeMessage message, bool international = true)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.International = international;
        using var stream = new MemoryStream();
        message.WriteTo(options, stream);
        return stream.ToArray();
    }
}
