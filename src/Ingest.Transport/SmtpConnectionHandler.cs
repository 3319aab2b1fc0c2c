using System.Diagnostics;
using System.Net;
using Ingest.Protocol;
using Ingest.Session;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Ingest.Transport;

/// <summary>Kestrel's entry point for an SMTP connection: admission, then one session over the connection's pipes.</summary>
public sealed class SmtpConnectionHandler(SmtpSessionFactory sessions, ConnectionLimiter limiter, ConnectionRateLimiter rateLimiter) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // After the PROXY middleware: this is the client the header named, not the load balancer.
        var remote = connection.RemoteEndPoint as IPEndPoint;
        // Every attempt counts towards the rate, admitted or not; one refused for its rate takes no concurrent slot.
        var admission = rateLimiter.TryAcquire(remote?.Address) ? limiter.TryAdmit(remote?.Address) : Rejection.ConnectionRateExceeded;
        if (admission != Rejection.None)
        {
            sessions.Metrics.ConnectionRefused();
            // RFC 5321 3.1: a server that will not serve answers 421 in place of the greeting.
            await connection.Transport.Output.WriteAsync(Replies.For(admission).ToArray(), connection.ConnectionClosed);
            return;
        }

        sessions.Metrics.ConnectionOpened();
        var opened = Stopwatch.GetTimestamp();
        var end = SessionEnd.ConnectionLost;
        StartTlsUpgrade? startTls = null;
        try
        {
            var endpoint = connection.Features.Get<SmtpEndpointFeature>();
            var implicitTls = endpoint?.Secured?.Tls;
            if (implicitTls is not null)
            {
                sessions.Metrics.TlsEstablished(implicitTls);
            }

            // STARTTLS is offered where there is a certificate and the connection is not TLS already.
            startTls = implicitTls is null && endpoint?.Tls is { } handshake ? new StartTlsUpgrade(connection, handshake) : null;
            var info = new ConnectionInfo(connection.ConnectionId, remote, connection.LocalEndPoint as IPEndPoint)
            {
                Tls = implicitTls,
                StartTls = startTls,
                RequireTls = endpoint?.RequireTls ?? false,
            };
            // Kestrel signals graceful shutdown through this feature; the session decides when to stop.
            var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
            end = await sessions.Create(connection.Transport, info).RunAsync(closeRequested, connection.ConnectionClosed);
        }
        finally
        {
            if (startTls is not null)
            {
                await startTls.DisposeAsync();
            }

            limiter.Release(remote?.Address);
            sessions.Metrics.ConnectionClosed(end, Stopwatch.GetElapsedTime(opened));
        }
    }
}
