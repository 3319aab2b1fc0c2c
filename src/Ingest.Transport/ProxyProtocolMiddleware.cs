using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Ingest.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Ingest.Transport;

/// <summary>
/// Connection middleware for endpoints behind a load balancer: reads the PROXY protocol header
/// and makes the client it names the connection's remote endpoint, so admission limits, the
/// Received header, the envelope and the logs all see the real client. It must run first on
/// the endpoint (before TLS): the header precedes every other byte.
/// <list type="bullet">
/// <item>A peer outside the trusted networks is closed before a byte is read or written: no
/// greeting, no reply. The endpoint only speaks PROXY-then-SMTP, and the spec forbids guessing
/// (sections 2 and 5), so there is nothing to offer a direct client, and saying nothing tells a
/// scanner nothing.</item>
/// <item>A malformed or oversized header, or none complete within the header timeout, closes
/// the connection without a reply (spec 2.1: "abort the connection").</item>
/// <item>LOCAL, UNKNOWN and address-less headers keep the socket's endpoints (spec 2.1, 2.2).</item>
/// </list>
/// Only the header is consumed; whatever follows it stays in the pipe for the SMTP session.
/// </summary>
internal sealed class ProxyProtocolMiddleware(ConnectionDelegate next, TrustedProxies trusted, TimeSpan headerTimeout, TimeProvider time, ILogger logger, ProxyProtocolMetrics metrics)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var peer = connection.RemoteEndPoint;
        if (peer is not IPEndPoint { Address: var address } || !trusted.Contains(address))
        {
            ProxyProtocolLog.UntrustedPeer(logger, connection.ConnectionId, peer);
            metrics.Refused(ProxyProtocolMetrics.UntrustedPeer);
            return;
        }

        if (await ReadHeaderAsync(connection) is not { } header)
        {
            return;
        }

        if (header.CarriesAddresses)
        {
            connection.RemoteEndPoint = header.SourceEndPoint();
            connection.LocalEndPoint = header.DestinationEndPoint();
        }

        ProxyProtocolLog.Accepted(logger, connection.ConnectionId, peer, header.Version, header.Command, connection.RemoteEndPoint);
        metrics.HeaderAccepted(header.Version);
        await next(connection);
    }

    /// <summary>The header, or null when the connection is to be closed (already logged).</summary>
    private async Task<ProxyHeader?> ReadHeaderAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        // The clock starts at accept and is not reset by trickled bytes. Graceful shutdown ends the wait too.
        using var deadline = new CancellationTokenSource(headerTimeout, time);
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        using var shutdown = closeRequested.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                if (closeRequested.IsCancellationRequested)
                {
                    metrics.Refused(ProxyProtocolMetrics.ClosedEarly);
                }
                else
                {
                    ProxyProtocolLog.HeaderTimedOut(logger, connection.ConnectionId, connection.RemoteEndPoint, headerTimeout);
                    metrics.Refused(ProxyProtocolMetrics.Timeout);
                }

                return null;
            }
            catch (Exception exception) when (exception is IOException or ConnectionAbortedException)
            {
                ProxyProtocolLog.ClosedBeforeHeader(logger, connection.ConnectionId, connection.RemoteEndPoint);
                metrics.Refused(ProxyProtocolMetrics.ClosedEarly);
                return null;
            }

            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            ProxyParseStatus status;
            ProxyHeader header;
            ProxyHeaderError error;
            try
            {
                status = Parse(buffer, out consumed, out header, out error);
                if (status == ProxyParseStatus.Complete)
                {
                    // Only the header: the session's first read sees the bytes that followed it.
                    examined = consumed;
                }
            }
            finally
            {
                input.AdvanceTo(consumed, examined);
            }

            switch (status)
            {
                case ProxyParseStatus.Complete:
                    return header;
                case ProxyParseStatus.Invalid:
                    ProxyProtocolLog.InvalidHeader(logger, connection.ConnectionId, connection.RemoteEndPoint, error);
                    metrics.Refused(error);
                    return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                ProxyProtocolLog.ClosedBeforeHeader(logger, connection.ConnectionId, connection.RemoteEndPoint);
                metrics.Refused(ProxyProtocolMetrics.ClosedEarly);
                return null;
            }
        }
    }

    private static ProxyParseStatus Parse(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out ProxyHeader header, out ProxyHeaderError error)
    {
        var reader = new SequenceReader<byte>(buffer);
        var status = ProxyHeaderParser.TryParse(ref reader, out header, out error);
        consumed = reader.Position;
        return status;
    }
}
