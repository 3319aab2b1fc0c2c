using System.Net;
using Ingest.Protocol;
using Microsoft.AspNetCore.Connections;

namespace Ingest.Transport;

/// <summary>
/// Connection admission: the rate and concurrency limits, after the PROXY middleware (so they
/// count the client the header named, not the load balancer) and before any TLS handshake (so a
/// flood over the limits costs no handshakes).
/// </summary>
internal sealed class AdmissionMiddleware(ConnectionDelegate next, ConnectionLimiter limiter, ConnectionRateLimiter rateLimiter, ConnectionMetrics metrics, bool implicitTls)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var client = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        // Every attempt counts towards the rate, admitted or not; one refused for its rate takes no concurrent slot.
        var admission = rateLimiter.TryAcquire(client) ? limiter.TryAdmit(client) : Rejection.ConnectionRateExceeded;
        if (admission != Rejection.None)
        {
            metrics.Refused();
            // RFC 5321 3.1: a server that will not serve answers 421 in place of the greeting. On an
            // implicit TLS endpoint the client expects a handshake, not text: it is closed unanswered.
            if (!implicitTls)
            {
                await connection.Transport.Output.WriteAsync(Replies.For(admission).ToArray(), connection.ConnectionClosed);
            }

            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            limiter.Release(client);
        }
    }
}
