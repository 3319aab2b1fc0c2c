using System.Net;
using Microsoft.Extensions.Logging;

namespace Ingest.Transport;

/// <summary>Every log event of TLS on SMTP connections, in one place (STYLE rule 10).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(121, LogLevel.Information, "{Key}: TLS certificate loaded: {Subject} ({Thumbprint})")]
    public static partial void CertificateReloaded(ILogger logger, string key, string subject, string thumbprint);

    [LoggerMessage(122, LogLevel.Error, "{Key}: TLS certificate files changed but could not be loaded; the previous certificate stays in use: {Error}")]
    public static partial void CertificateReloadFailed(ILogger logger, string key, string error);

    [LoggerMessage(123, LogLevel.Information, "Connection {ConnectionId} from {Peer}: TLS handshake failed ({Reason})")]
    public static partial void HandshakeFailed(ILogger logger, string connectionId, EndPoint? peer, string reason, Exception? exception);
}
