using System.Net;
using Ingest.Host;
using Ingest.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Functional.Tests;

/// <summary>The per-client connection rate limit: over real sockets on the gateway's fake clock, and the limiter itself.</summary>
public sealed class ConnectionRateLimitTests
{
    private static async Task ExpectGreetingAndQuitAsync(IPEndPoint endpoint, string? proxyHeader = null)
    {
        await using var client = await RawSmtpClient.ConnectAsync(endpoint);
        if (proxyHeader is not null)
        {
            await client.SendAsync(proxyHeader);
        }

        await client.ExpectAsync("220");
        await client.SendAsync("QUIT\r\n");
        await client.ExpectAsync("221");
    }

    private static async Task ExpectRefusedAsync(IPEndPoint endpoint, string? proxyHeader = null)
    {
        await using var client = await RawSmtpClient.ConnectAsync(endpoint);
        if (proxyHeader is not null)
        {
            await client.SendAsync(proxyHeader);
        }

        Assert.Equal("421 4.7.0 Too many connections from your address per minute, try again later", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task ConnectionsBeyondTheRateGet421UntilTheClockRefillsTheBucket()
    {
        var time = new FakeTimeProvider();
        await using var gateway = await RunningGateway.StartAsync(
            ["Ingest:Server:MaxConnectionRatePerClient=2"],
            services => services.AddSingleton<TimeProvider>(time));
        // A burst of two, even though each connection has ended before the next: it is a rate, not a count.
        await ExpectGreetingAndQuitAsync(gateway.EndPoint);
        await ExpectGreetingAndQuitAsync(gateway.EndPoint);
        await ExpectRefusedAsync(gateway.EndPoint);

        // Two per minute: one more every 30 seconds.
        time.Advance(TimeSpan.FromSeconds(29));
        await ExpectRefusedAsync(gateway.EndPoint);
        time.Advance(TimeSpan.FromSeconds(1));
        await ExpectGreetingAndQuitAsync(gateway.EndPoint);
        await ExpectRefusedAsync(gateway.EndPoint);
    }

    [Fact]
    public async Task BehindProxyProtocolTheRateIsCountedPerProxiedClient()
    {
        var time = new FakeTimeProvider();
        await using var gateway = await RunningGateway.StartAsync(
            [
                "Ingest:Server:MaxConnectionRatePerClient=1",
                "Ingest:Server:ProxyProtocol:Endpoints:0=127.0.0.1:0",
                "Ingest:Server:ProxyProtocol:TrustedNetworks:0=127.0.0.0/8",
            ],
            services => services.AddSingleton<TimeProvider>(time));
        const string First = "PROXY TCP4 192.0.2.7 198.51.100.1 40000 25\r\n";
        const string Second = "PROXY TCP4 192.0.2.8 198.51.100.1 40000 25\r\n";
        await ExpectGreetingAndQuitAsync(gateway.EndPoint, First);
        await ExpectRefusedAsync(gateway.EndPoint, First);
        // Same load balancer, another client: its own bucket.
        await ExpectGreetingAndQuitAsync(gateway.EndPoint, Second);
    }

    [Fact]
    public void ZeroTurnsTheLimiterOff()
    {
        var limiter = new ConnectionRateLimiter(0, new FakeTimeProvider());
        Assert.False(limiter.Enabled);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(limiter.TryAcquire(IPAddress.Loopback));
        }

        Assert.Equal(0, limiter.TrackedClients);
    }

    [Fact]
    public void MappedIpv4AndIpv4AreOneClient()
    {
        var limiter = new ConnectionRateLimiter(1, new FakeTimeProvider());
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.1")));
        Assert.False(limiter.TryAcquire(IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("2001:db8::1")));
    }

    [Fact]
    public void IdleClientsAreEvictedOnceTheirBucketIsFullAgain()
    {
        var time = new FakeTimeProvider();
        var limiter = new ConnectionRateLimiter(6, time);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(limiter.TryAcquire(new IPAddress([10, 0, (byte)(i >> 8), (byte)i])));
        }

        Assert.Equal(100, limiter.TrackedClients);
        // A minute on, the next new client triggers the sweep: only it remains.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.1")));
        Assert.Equal(1, limiter.TrackedClients);
    }

    [Fact]
    public void FullTableAdmitsNewClientsUntrackedAndKeepsLimitingTrackedOnes()
    {
        var time = new FakeTimeProvider();
        var limiter = new ConnectionRateLimiter(1, time, capacity: 2);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.1")));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.2")));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.3")));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.3")));
        Assert.Equal(2, limiter.TrackedClients);
        Assert.False(limiter.TryAcquire(IPAddress.Parse("192.0.2.1")));
        // Once the tracked clients' buckets refill, a sweep makes room and the newcomer is limited too.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("192.0.2.3")));
        Assert.False(limiter.TryAcquire(IPAddress.Parse("192.0.2.3")));
    }

    [Theory]
    [InlineData("Ingest:Server:MaxConnectionRatePerClient=-1", "Ingest:Server:MaxConnectionRatePerClient")]
    [InlineData("Ingest:Smtp:GreetingDelay=-00:00:01", "Ingest:Smtp:GreetingDelay")]
    [InlineData("Ingest:Smtp:ReverseDnsTimeout=00:00:00", "Ingest:Smtp:ReverseDnsTimeout")]
    [InlineData("Ingest:Smtp:AcceptedDomains:0=*example.com", "Ingest:Smtp:AcceptedDomains:0")]
    [InlineData("Ingest:Smtp:AcceptedDomains:1=a.*.com", "Ingest:Smtp:AcceptedDomains:1")]
    public async Task InvalidPolicySettingsStopStartUpNamingTheKey(string setting, string key)
    {
        string[] args = ["--Ingest:Server:Endpoints:0=127.0.0.1:0", "--Ingest:Management:Endpoint=", "--Ingest:Smtp:AcceptedDomains:0=example.com", "--" + setting];
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = IngestApp.Build(args);
            await app.StartAsync();
        });
        Assert.Contains(exception.Failures, failure => failure.StartsWith(key + ":", StringComparison.Ordinal));
    }
}
