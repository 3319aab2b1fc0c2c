using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Functional.Tests;

/// <summary>Connection limits, timeouts and graceful shutdown over real sockets.</summary>
public sealed class LimitsAndLifetimeTests
{
    [Fact]
    public async Task ConnectionsBeyondThePerClientLimitGet421()
    {
        await using var gateway = await RunningGateway.StartAsync(["Ingest:Server:MaxConnectionsPerClient=2"]);
        await using var first = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await using var second = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await first.ExpectAsync("220");
        await second.ExpectAsync("220");

        await using (var third = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await third.ExpectAsync("421 4.7.0");
            Assert.True(await third.IsClosedAsync());
        }

        // A slot frees when a session ends.
        await first.SendAsync("QUIT\r\n");
        await first.ExpectAsync("221");
        Assert.True(await first.IsClosedAsync());
        await using var fourth = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await fourth.ExpectAsync("220");
    }

    [Fact]
    public async Task ConnectionsBeyondTheTotalLimitGet421()
    {
        await using var gateway = await RunningGateway.StartAsync(["Ingest:Server:MaxConnections=1"]);
        await using var first = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await first.ExpectAsync("220");
        await using var second = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await second.ExpectAsync("421 4.3.2");
    }

    [Fact]
    public async Task IdleConnectionTimesOutOnTheGatewaysClock()
    {
        var time = new FakeTimeProvider();
        await using var gateway = await RunningGateway.StartAsync(
            ["Ingest:Smtp:IdleTimeout=00:05:00"],
            services => services.AddSingleton<TimeProvider>(time));
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        time.Advance(TimeSpan.FromMinutes(5));
        await client.ExpectAsync("421 4.4.2");
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task ShutdownAnswersIdleSessionsAndLetsAMessageInFlightFinish()
    {
        var gateway = await RunningGateway.StartAsync(["Ingest:Server:ShutdownTimeout=00:00:30"]);
        await using var _ = gateway;
        await using var idle = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await using var busy = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await idle.ExpectAsync("220");
        await busy.ExpectAsync("220");
        await busy.SendAsync("EHLO busy.example\r\nMAIL FROM:<s@busy.example>\r\nRCPT TO:<r@dest.example>\r\nDATA\r\n");
        for (var i = 0; i < 4; i++)
        {
            await busy.ReadReplyAsync();
        }

        await busy.SendAsync("Subject: in flight\r\n\r\nfirst half\r\n");
        var stopping = gateway.StopAsync();

        await idle.ExpectAsync("421 4.3.2");
        Assert.True(await idle.IsClosedAsync());
        // The listener is gone: no new sessions during the drain.
        await Assert.ThrowsAnyAsync<SocketException>(() => RawSmtpClient.ConnectAsync(gateway.EndPoint));

        await busy.SendAsync("second half\r\n.\r\nNOOP\r\n");
        await busy.ExpectAsync("250 2.0.0 OK: queued as");
        await busy.ExpectAsync("421 4.3.2");
        Assert.True(await busy.IsClosedAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(gateway.DeliveredFiles());
    }
}
