using Ingest.Session;
using Microsoft.AspNetCore.Connections;

namespace Ingest.Transport;

/// <summary>
/// One connection's STARTTLS: the handshake over Kestrel's pipes when the session asks for it,
/// and the <see cref="SecuredConnection"/> it produced, disposed when the connection ends.
/// </summary>
internal sealed class StartTlsUpgrade(ConnectionContext connection, TlsHandshake handshake) : IStartTls, IAsyncDisposable
{
    private SecuredConnection? _secured;

    public async ValueTask<SecuredTransport?> UpgradeAsync(CancellationToken cancellationToken)
    {
        // The session allows one STARTTLS per connection (RFC 3207 4.2), so this runs at most once.
        _secured = await handshake.RunAsync(connection, connection.Transport, cancellationToken);
        return _secured is null ? null : new SecuredTransport(_secured.Transport, _secured.Tls);
    }

    public ValueTask DisposeAsync() => _secured?.DisposeAsync() ?? ValueTask.CompletedTask;
}
