using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using Ingest.Session;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Ingest.Transport;

/// <summary>
/// The server side of a TLS handshake over a connection's pipes, shared by STARTTLS and implicit
/// TLS. TLS 1.2 and 1.3 only (RFC 8996 retired 1.0 and 1.1; RFC 8314 4.1), no client
/// certificates, bounded by the handshake timeout. The certificate is chosen once the
/// ClientHello is read, by the server name in it (RFC 6066 3).
/// </summary>
public sealed class TlsHandshake(ServerCertificates certificates, TlsOptions options, TimeProvider time, ILogger logger, TlsMetrics metrics)
{
    // One TLS record (RFC 8446 5.1: at most 2^14 octets of plaintext) per pipe read.
    private const int ReadBufferSize = 16 * 1024;

    /// <summary>The secured connection, or null when the handshake failed (logged and counted).</summary>
    public async ValueTask<SecuredConnection?> RunAsync(ConnectionContext connection, IDuplexPipe transport, CancellationToken aborted)
    {
        var stream = new SslStream(new DuplexPipeStream(transport), leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(options.HandshakeTimeout, time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, aborted);
        try
        {
            await stream.AuthenticateAsServerAsync(SelectOptions, certificates, cancel.Token);
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            var reason = deadline.IsCancellationRequested ? TlsMetrics.Timeout
                : exception is AuthenticationException ? TlsMetrics.Refused
                : TlsMetrics.ClosedEarly;
            metrics.HandshakeFailed(reason);
            TlsLog.HandshakeFailed(logger, connection.ConnectionId, connection.RemoteEndPoint, reason, reason == TlsMetrics.Refused ? exception : null);
            await stream.DisposeAsync();
            return null;
        }

        var info = new TlsInfo(ProtocolName(stream.SslProtocol), stream.NegotiatedCipherSuite.ToString());
        var pipe = new SecuredPipe(
            // Zero-byte reads: an idle connection waits for data holding no buffer, here or in
            // SslStream (which then waits on its inner stream the same way). Without them every
            // idle TLS connection pinned a 16 KB read buffer and SslStream's own (docs/performance.md).
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: ReadBufferSize / 4, leaveOpen: true, useZeroByteReads: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        return new SecuredConnection(stream, pipe, info);
    }

    private static ValueTask<SslServerAuthenticationOptions> SelectOptions(SslStream stream, SslClientHelloInfo hello, object? state, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = ((ServerCertificates)state!).Select(hello.ServerName).Current,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        });

    // The names OpenSSL and Postfix log, which operators grep for.
    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };

    private sealed class SecuredPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
