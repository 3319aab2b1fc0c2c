using System.Net;
using Ingest.Session;
using Ingest.Transport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Functional.Tests;

/// <summary>/healthz, /readyz, /metrics and the graceful drain, over real sockets (issue 4).</summary>
[Collection(nameof(SerialCollection))]
public sealed class ManagementEndpointTests
{
    private static HttpClient Http(RunningGateway gateway) => new()
    {
        BaseAddress = new Uri($"http://{gateway.Services.GetRequiredService<ManagementListener>().EndPoint}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task HealthAndReadinessAnswerOnceTheGatewayListens()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var http = Http(gateway);
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MetricsEndpointShowsTheCountersMove()
    {
        await using var gateway = await RunningGateway.StartAsync();
        using var http = Http(gateway);
        using var closed = new MetricCollector<long>(gateway.Services.GetRequiredService<SmtpMetrics>().Meter, "smtp.server.connections.closed");
        await using (var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await client.ExpectAsync("220");
            await client.SendAsync("EHLO m.example\r\nMAIL FROM:<s@m.example>\r\nRCPT TO:<r@dest.example>\r\nDATA\r\n");
            for (var i = 0; i < 4; i++)
            {
                await client.ReadReplyAsync();
            }

            await client.SendAsync("Subject: metrics\r\n\r\nhi\r\n.\r\nQUIT\r\n");
            await client.ExpectAsync("250 2.0.0 OK");
            await client.ExpectAsync("221");
            Assert.True(await client.IsClosedAsync());
        }

        // The connection's close is recorded once the handler returns, after the socket closed: wait for it.
        await closed.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(30));
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("smtp_server_transactions_total{otel_scope_name=\"Ingest.Smtp\",smtp_transaction_result=\"accepted\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("smtp_server_commands_total{otel_scope_name=\"Ingest.Smtp\",smtp_command=\"RCPT\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("smtp_server_connections_closed_total{otel_scope_name=\"Ingest.Smtp\",smtp_session_end=\"quit\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("smtp_server_message_size_bytes_bucket", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrainFailsReadinessAtOnceKeepsServingThenAnswersIdleSessions421()
    {
        var time = new FakeTimeProvider();
        var gateway = await RunningGateway.StartAsync(["Ingest:Management:DrainDelay=00:00:30"], services => services.AddSingleton<TimeProvider>(time));
        await using var _ = gateway;
        using var http = Http(gateway);
        await using var idle = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await idle.ExpectAsync("220");

        var stopping = gateway.StopAsync();

        // Readiness fails as soon as shutdown begins, while SMTP still serves, new connections included.
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("draining\n", await ready.Content.ReadAsStringAsync());
        await using (var late = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await late.ExpectAsync("220");
            await late.SendAsync("NOOP\r\n");
            await late.ExpectAsync("250");
        }

        await idle.SendAsync("NOOP\r\n");
        await idle.ExpectAsync("250");
        Assert.False(stopping.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(30));
        await idle.ExpectAsync("421 4.3.2");
        Assert.True(await idle.IsClosedAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
