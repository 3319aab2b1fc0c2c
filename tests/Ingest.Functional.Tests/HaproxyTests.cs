using System.Net;
using MailKit.Net.Smtp;
using MimeKit;

namespace Ingest.Functional.Tests;

/// <summary>
/// Two gateways behind a real HAProxy: one fed PROXY v1 (send-proxy), one PROXY v2 with TLVs and
/// a CRC32c checksum (send-proxy-v2). A tool test: skipped, naming the install command, where
/// haproxy is missing. Three loopback addresses keep the proof honest: the client
/// connects from 127.0.0.3, HAProxy reaches the gateways from 127.0.0.2, so the only way a gateway
/// can name 127.0.0.3 is by reading it from the header.
/// </summary>
public sealed class HaproxyTests
{
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.3");
    private static readonly IPAddress ProxySource = IPAddress.Parse("127.0.0.2");

    private static readonly string[] BehindHaproxy =
    [
        "Ingest:Server:ProxyProtocol:Endpoints:0=127.0.0.1:0",
        // Only HAProxy's source address may send the header.
        "Ingest:Server:ProxyProtocol:TrustedNetworks:0=127.0.0.2/32",
    ];

    [ToolFact("haproxy")]
    public async Task GatewaysBehindHaproxySeeTheOriginalClientOverV1AndV2()
    {
        await using var v1Gateway = await RunningGateway.StartAsync(BehindHaproxy);
        await using var v2Gateway = await RunningGateway.StartAsync(BehindHaproxy);
        await using var haproxy = await Haproxy.StartAsync(
            [
                (v1Gateway.EndPoint, "send-proxy"),
                (v2Gateway.EndPoint, "send-proxy-v2 proxy-v2-options crc32c,unique-id,ssl,authority"),
            ],
            ProxySource);

        const int Messages = 4;
        for (var i = 0; i < Messages; i++)
        {
            await SendThroughAsync(haproxy.EndPoint, i);
        }

        // Round robin: both gateways, hence both header versions, were used.
        Assert.NotEmpty(v1Gateway.DeliveredFiles());
        Assert.NotEmpty(v2Gateway.DeliveredFiles());
        var files = v1Gateway.DeliveredFiles().Concat(v2Gateway.DeliveredFiles()).ToArray();
        Assert.Equal(Messages, files.Length);
        foreach (var file in files)
        {
            var prelude = MaildirFile.Read(file).Prelude;
            Assert.Contains("Received: from client.example ([127.0.0.3])\r\n", prelude, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.2", prelude, StringComparison.Ordinal);
        }

        // The same gateways refuse a client that skips the load balancer.
        await using var direct = await RawSmtpClient.ConnectAsync(v2Gateway.EndPoint);
        Assert.Null(await direct.ReadReplyAsync());
    }

    private static async Task SendThroughAsync(IPEndPoint haproxy, int number)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("bob@client.example"));
        message.To.Add(MailboxAddress.Parse("alice@example.com"));
        message.Subject = $"through haproxy {number}";
        message.Body = new TextPart("plain") { Text = $"message {number}\r\n" };

        using var client = new SmtpClient
        {
            LocalEndPoint = new IPEndPoint(Client, 0),
            LocalDomain = "client.example",
            Timeout = 30_000,
        };
        await client.ConnectAsync(haproxy.Address.ToString(), haproxy.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
    }
}
