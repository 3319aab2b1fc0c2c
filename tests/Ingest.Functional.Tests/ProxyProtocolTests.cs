using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Ingest.Host;
using Ingest.Session;
using Ingest.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Functional.Tests;

/// <summary>
/// The PROXY protocol middleware over real sockets: every connection here comes from 127.0.0.1,
/// and the client the gateway must see is the one the header names.
/// </summary>
public sealed class ProxyProtocolTests
{
    private const string ProxyEndpoint = "Ingest:Server:ProxyProtocol:Endpoints:0=127.0.0.1:0";
    private const string TrustLoopback = "Ingest:Server:ProxyProtocol:TrustedNetworks:0=127.0.0.0/8";

    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A version 2 PROXY TCP header (spec 2.2) for the given endpoints.</summary>
    private static byte[] V2(string source, string destination)
    {
        var src = IPEndPoint.Parse(source);
        var dst = IPEndPoint.Parse(destination);
        byte[] addresses = [.. src.Address.GetAddressBytes(), .. dst.Address.GetAddressBytes(), (byte)(src.Port >> 8), (byte)src.Port, (byte)(dst.Port >> 8), (byte)dst.Port];
        var family = src.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? (byte)0x11 : (byte)0x21;
        return [.. Signature, 0x21, family, 0, (byte)addresses.Length, .. addresses];
    }

    private static async Task SendMessageAsync(RawSmtpClient client, string helo)
    {
        await client.SendAsync($"EHLO {helo}\r\n");
        await client.ExpectAsync("250");
        await client.SendAsync("MAIL FROM:<s@client.example>\r\nRCPT TO:<r@dest.example>\r\nDATA\r\n");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: proxied\r\n\r\nhello\r\n.\r\nQUIT\r\n");
        await client.ExpectAsync("250 2.0.0 OK: queued as");
        await client.ExpectAsync("221");
    }

    private static string ReceivedLine(RunningGateway gateway) =>
        MaildirFile.Read(Assert.Single(gateway.DeliveredFiles())).Prelude.Split("\r\n").Single(line => line.StartsWith("Received:", StringComparison.Ordinal));

    [Fact]
    public async Task V1HeaderMakesTheProxiedClientTheSenderInTheReceivedHeader()
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, TrustLoopback]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.SendAsync("PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n");
        await client.ExpectAsync("220 gw.test");
        await SendMessageAsync(client, "v1.example");
        Assert.Equal("Received: from v1.example ([192.0.2.7])", ReceivedLine(gateway));
    }

    [Fact]
    public async Task V2HeaderMakesTheProxiedIPv6ClientTheSenderInTheReceivedHeader()
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, TrustLoopback]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.SendAsync(V2("[2001:db8::7]:40000", "[2001:db8::25]:25"));
        await client.ExpectAsync("220 gw.test");
        await SendMessageAsync(client, "v2.example");
        Assert.Equal("Received: from v2.example ([IPv6:2001:db8::7])", ReceivedLine(gateway));
    }

    [Fact]
    public async Task BytesThatFollowTheHeaderInTheSameSegmentReachTheSession()
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, TrustLoopback]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        // One write: the header and the client's first command (a proxy relays whatever arrived).
        await client.SendAsync([.. V2("192.0.2.9:1234", "198.51.100.1:25"), .. "EHLO same.segment\r\n"u8]);
        await client.ExpectAsync("220 gw.test");
        await client.ExpectAsync("250-gw.test");
    }

    [Fact]
    public async Task LocalHeaderKeepsTheSocketsAddress()
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, TrustLoopback]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        // Spec 2.2: LOCAL, the proxy's own connection (a health check), with an address block to skip.
        await client.SendAsync([.. Signature, 0x20, 0x11, 0, 12, 192, 0, 2, 1, 192, 0, 2, 2, 0, 1, 0, 2]);
        await client.ExpectAsync("220 gw.test");
        await SendMessageAsync(client, "local.example");
        Assert.Equal("Received: from local.example ([127.0.0.1])", ReceivedLine(gateway));
    }

    [Fact]
    public async Task PerClientLimitCountsTheProxiedClientNotTheProxy()
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, TrustLoopback, "Ingest:Server:MaxConnectionsPerClient=1"]);
        await using var first = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await first.SendAsync("PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n");
        await first.ExpectAsync("220");

        // Same socket peer, same proxied client: over the limit.
        await using (var second = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await second.SendAsync(V2("192.0.2.7:40001", "198.51.100.1:25"));
            await second.ExpectAsync("421 4.7.0");
            Assert.True(await second.IsClosedAsync());
        }

        // Same socket peer, another proxied client: admitted.
        await using var third = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await third.SendAsync("PROXY TCP4 192.0.2.8 198.51.100.1 40002 25\r\n");
        await third.ExpectAsync("220");
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n")]
    [InlineData("EHLO direct.example\r\n")]
    public async Task PeerOutsideTheTrustedNetworksIsClosedWithoutAWord(string firstBytes)
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, "Ingest:Server:ProxyProtocol:TrustedNetworks:0=192.0.2.0/24"]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        try
        {
            await client.SendAsync(firstBytes);
        }
        catch (IOException)
        {
            // Already closed: also a refusal.
        }

        Assert.Null(await client.ReadReplyAsync());
    }

    public static TheoryData<string, byte[]> MalformedHeaders => new()
    {
        { "bare LF", "PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\n"u8.ToArray() },
        { "leading zero", "PROXY TCP4 192.0.2.07 198.51.100.1 40000 25\r\n"u8.ToArray() },
        { "SMTP instead of PROXY", "EHLO client.example\r\n"u8.ToArray() },
        { "no CRLF in 107 octets", Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 200)) },
        { "v2 declaring 64 KB", [.. Signature, 0x21, 0x11, 0xFF, 0xFF, .. new byte[1000]] },
        { "v2 version 1", [.. Signature, 0x11, 0x11, 0, 12, .. new byte[12]] },
        { "v2 TLV overrunning the header", [.. Signature, 0x21, 0x11, 0, 15, .. new byte[12], 0xE0, 0x01, 0x00] },
        { "v2 wrong checksum", [.. Signature, 0x21, 0x11, 0, 19, .. new byte[12], 0x03, 0x00, 0x04, 1, 2, 3, 4] },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task MalformedOrOversizedHeaderClosesTheConnection(string name, byte[] bytes)
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, TrustLoopback]);
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        try
        {
            await client.SendAsync(bytes);
        }
        catch (IOException)
        {
            // Closed while we were still writing: the refusal came early.
        }

        Assert.True(await client.ReadReplyAsync() is null, name);
        Assert.Empty(gateway.DeliveredFiles());
    }

    [Fact]
    public async Task HeaderThatDoesNotArriveInTimeClosesTheConnection()
    {
        var time = new TimerWatchingTimeProvider(TimeSpan.FromSeconds(7));
        await using var gateway = await RunningGateway.StartAsync(
            [ProxyEndpoint, TrustLoopback, "Ingest:Server:ProxyProtocol:HeaderTimeout=00:00:07"],
            services => services.AddSingleton<TimeProvider>(time));
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        // Part of a header, then nothing: the deadline is from accept, not from the last byte.
        await client.SendAsync("PROXY TCP4 192.0.2.7 ");
        await time.Armed.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Null(await client.ReadReplyAsync());
    }

    [Fact]
    public async Task OnlyTheListedEndpointExpectsAHeader()
    {
        await using var gateway = await RunningGateway.StartAsync(
            ["Ingest:Server:Endpoints:1=127.0.0.2:0", "Ingest:Server:ProxyProtocol:Endpoints:0=127.0.0.2:0", TrustLoopback]);
        var proxied = gateway.Services.GetRequiredService<SmtpListeners>().EndPoints[1];
        Assert.Equal(IPAddress.Parse("127.0.0.2"), proxied.Address);

        await using var direct = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await direct.ExpectAsync("220 gw.test");

        await using var relayed = await RawSmtpClient.ConnectAsync(proxied);
        await relayed.SendAsync("PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n");
        await relayed.ExpectAsync("220 gw.test");
        await SendMessageAsync(relayed, "relayed.example");
        Assert.Equal("Received: from relayed.example ([192.0.2.7])", ReceivedLine(gateway));
    }

    [Fact]
    public async Task OutcomesAreCountedByVersionAndReason()
    {
        await using var gateway = await RunningGateway.StartAsync([ProxyEndpoint, TrustLoopback]);
        var meter = gateway.Services.GetRequiredService<SmtpSessionFactory>().Metrics.Meter;
        var seen = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, self) =>
            {
                if (instrument.Meter == meter && instrument.Name == "smtp.server.proxy_protocol.connections")
                {
                    self.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            seen.Enqueue(string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}").Order(StringComparer.Ordinal)) + $":{value}"));
        listener.Start();

        await using (var v1 = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await v1.SendAsync("PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n");
            await v1.ExpectAsync("220");
        }

        await using (var v2 = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await v2.SendAsync(V2("192.0.2.8:40000", "198.51.100.1:25"));
            await v2.ExpectAsync("220");
        }

        await using (var bad = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await bad.SendAsync("PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\n");
            Assert.Null(await bad.ReadReplyAsync());
        }

        Assert.Equal(
            [
                "proxy_protocol.outcome=accepted,proxy_protocol.version=1:1",
                "proxy_protocol.outcome=accepted,proxy_protocol.version=2:1",
                "proxy_protocol.outcome=bad_line_ending:1",
            ],
            seen.ToArray());
    }

    [Theory]
    [InlineData("Ingest:Server:ProxyProtocol:TrustedNetworks:0=10.0.0.1/8", "Ingest:Server:ProxyProtocol:TrustedNetworks:0")]
    [InlineData("Ingest:Server:ProxyProtocol:TrustedNetworks:0=load-balancer", "Ingest:Server:ProxyProtocol:TrustedNetworks:0")]
    [InlineData("Ingest:Server:ProxyProtocol:TrustedNetworks:0=10.1/16", "Ingest:Server:ProxyProtocol:TrustedNetworks:0")]
    [InlineData("Ingest:Server:ProxyProtocol:Endpoints:0=127.0.0.1:2526", "Ingest:Server:ProxyProtocol:Endpoints:0")]
    [InlineData("Ingest:Server:ProxyProtocol:Endpoints:0=localhost", "Ingest:Server:ProxyProtocol:Endpoints:0")]
    [InlineData("Ingest:Server:ProxyProtocol:HeaderTimeout=00:00:00", "Ingest:Server:ProxyProtocol:HeaderTimeout")]
    public async Task InvalidProxySettingStopsStartUpNamingTheKey(string setting, string key)
    {
        var failures = await StartUpFailuresAsync(TrustLoopback, setting);
        Assert.Contains(failures, failure => failure.StartsWith(key + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProxyEndpointWithoutTrustedNetworksStopsStartUp()
    {
        var failures = await StartUpFailuresAsync(ProxyEndpoint);
        Assert.Contains(failures, failure => failure.StartsWith("Ingest:Server:ProxyProtocol:TrustedNetworks:", StringComparison.Ordinal));
    }

    private static async Task<IEnumerable<string>> StartUpFailuresAsync(params string[] settings)
    {
        // Validation may fire while the host is built (the shutdown timeout reads the server options) or as it starts.
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = IngestApp.Build(["--Ingest:Server:Endpoints:0=127.0.0.1:0", .. settings.Select(setting => "--" + setting)]);
            await app.StartAsync();
        });
        return exception.Failures;
    }

    /// <summary>A fake clock that says when the timer with the watched due time exists, so the test advances time only after it.</summary>
    private sealed class TimerWatchingTimeProvider(TimeSpan watched) : FakeTimeProvider
    {
        private readonly TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Armed => _armed.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == watched)
            {
                _armed.TrySetResult();
            }

            return timer;
        }
    }
}
