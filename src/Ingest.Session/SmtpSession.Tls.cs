using System.Runtime.CompilerServices;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>STARTTLS (RFC 3207) as a transport swap, and the endpoint's TLS policy.</summary>
public sealed partial class SmtpSession
{
    private TlsInfo? _tls;

    /// <summary>RFC 3207 4.2: STARTTLS is advertised only while the session is not yet encrypted.</summary>
    private bool OffersStartTls => _tls is null && _connection.StartTls is not null;

    /// <summary>RFC 3207 4: with TLS required, mail waits for it (530 5.7.0).</summary>
    private bool MustStartTlsFirst => _connection.RequireTls && _tls is null;

    private Step StartTls() => _tls is null ? Step.StartTls : Reject(Rejection.TlsAlreadyActive);

    /// <summary>
    /// Answers 220, then hands the connection to the transport for the handshake. The caller has
    /// already checked that nothing followed the command in the buffer (see ProcessCommands): bytes
    /// the client sends after our 220 and before its ClientHello can only reach the TLS layer,
    /// which refuses them as a broken handshake.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask StartTlsAsync()
    {
        Write(Replies.ReadyToStartTls);
        if (!await FlushAsync())
        {
            return;
        }

        // The transport bounds the handshake with its own timeout; the session's clock stands still.
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var secured = await _connection.StartTls!.UpgradeAsync(_aborted);
        if (secured is null)
        {
            _end = SessionEnd.TlsHandshakeFailed;
            _mode = Mode.Closed;
            return;
        }

        _input = secured.Transport.Input;
        _output = secured.Transport.Output;
        _tls = secured.Tls;
        Metrics.TlsEstablished(secured.Tls);
        SessionLog.TlsStarted(_server.Logger, _connection.ConnectionId, _connection.RemoteEndPoint, secured.Tls.Protocol, secured.Tls.Cipher);

        // RFC 3207 4.2: the server MUST discard any knowledge obtained from the client before TLS,
        // such as the EHLO argument; the client must send EHLO again.
        ResetTransaction();
        _state = SessionState.Connected;
        _heloName = "";
        _extended = false;
        ForgetAuthentication();
    }
}
