using Microsoft.AspNetCore.Connections;

namespace Ingest.Transport;

/// <summary>
/// Implicit TLS (RFC 8314 3.3, "submissions" on port 465): the handshake comes before any SMTP,
/// then the connection's transport is swapped for pipes over the decrypted stream. Runs after
/// the PROXY middleware (whose header precedes the handshake) and before the SMTP handler.
/// A failed handshake closes the connection; there is nobody to say anything to.
/// </summary>
internal sealed class ImplicitTlsMiddleware(ConnectionDelegate next, TlsHandshake handshake)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var original = connection.Transport;
        await using var secured = await handshake.RunAsync(connection, original, connection.ConnectionClosed);
        if (secured is null)
        {
            return;
        }

        connection.Features.Get<SmtpEndpointFeature>()!.Secured = secured;
        connection.Transport = secured.Transport;
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = original;
        }
    }
}
