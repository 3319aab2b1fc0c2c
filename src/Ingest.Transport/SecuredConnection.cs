using System.IO.Pipelines;
using System.Net.Security;
using Ingest.Session;

namespace Ingest.Transport;

/// <summary>A connection after its TLS handshake: owns the <see cref="SslStream"/> and the pipes over it until disposed.</summary>
public sealed class SecuredConnection(SslStream stream, IDuplexPipe transport, TlsInfo tls) : IAsyncDisposable
{
    public IDuplexPipe Transport => transport;

    public TlsInfo Tls => tls;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transport.Output.CompleteAsync();
            await transport.Input.CompleteAsync();
            // close_notify (RFC 8446 6.1), best effort: the peer may already be gone.
            await stream.ShutdownAsync();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }
}
