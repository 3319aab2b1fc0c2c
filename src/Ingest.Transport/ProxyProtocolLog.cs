using System.Net;
using Ingest.Protocol;
using Microsoft.Extensions.Logging;

namespace Ingest.Transport;

/// <summary>Every log event of the PROXY protocol middleware, in one place (STYLE rule 10). Raw header bytes are never logged.</summary>
internal static partial class ProxyProtocolLog
{
    [LoggerMessage(101, LogLevel.Information, "Connection {ConnectionId} from {Peer} closed: not a trusted PROXY protocol sender")]
    public static partial void UntrustedPeer(ILogger logger, string connectionId, EndPoint? peer);

    [LoggerMessage(102, LogLevel.Warning, "Connection {ConnectionId} from {Peer} closed: invalid PROXY header ({Reason})")]
    public static partial void InvalidHeader(ILogger logger, string connectionId, EndPoint? peer, ProxyHeaderError reason);

    [LoggerMessage(103, LogLevel.Warning, "Connection {ConnectionId} from {Peer} closed: no complete PROXY header within {Timeout}")]
    public static partial void HeaderTimedOut(ILogger logger, string connectionId, EndPoint? peer, TimeSpan timeout);

    [LoggerMessage(104, LogLevel.Debug, "Connection {ConnectionId} from {Peer} ended before its PROXY header was complete")]
    public static partial void ClosedBeforeHeader(ILogger logger, string connectionId, EndPoint? peer);

    [LoggerMessage(105, LogLevel.Debug, "Connection {ConnectionId} from {Peer}: PROXY v{Version} {Command}, client {Client}")]
    public static partial void Accepted(ILogger logger, string connectionId, EndPoint? peer, byte version, ProxyCommand command, EndPoint? client);
}
