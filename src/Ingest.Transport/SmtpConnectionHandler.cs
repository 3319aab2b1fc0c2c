using System.Diagnostics;
using System.Net;
using Ingest.Session;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Ingest.Transport;

/// <summary>Kestrel's entry point for an SMTP connection, after the middleware: one session over the connection's pipes.</summary>
public sealed class SmtpConnectionHandler(SmtpSessionFactory sessions, ConnectionMetrics connections) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // Admitted by AdmissionMiddleware. After the PROXY middleware, this is the client the header named.
        var remote = connection.RemoteEndPoint as IPEndPoint;
        connections.Opened();
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

            connections.Closed(end, Stopwatch.GetElapsedTime(opened));
        }
    }
}
