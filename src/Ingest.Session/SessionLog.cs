using System.Net;
using Ingest.Protocol;
using Microsoft.Extensions.Logging;

namespace Ingest.Session;

/// <summary>Every log event of the session layer, in one place (STYLE rule 10).</summary>
internal static partial class SessionLog
{
    [LoggerMessage(1, LogLevel.Information, "Message {MessageId} accepted from {Client}: {Recipients} recipient(s), {Bytes} octets")]
    public static partial void MessageAccepted(ILogger logger, string messageId, EndPoint? client, int recipients, long bytes);

    [LoggerMessage(2, LogLevel.Warning, "Message {MessageId} refused ({Reason}): {Detail}")]
    public static partial void MessageRefused(ILogger logger, string messageId, string reason, string? detail);

    [LoggerMessage(3, LogLevel.Error, "Sink failed for message {MessageId}")]
    public static partial void SinkThrew(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Session {ConnectionId} from {Client} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string connectionId, EndPoint? client, SessionEnd reason);

    [LoggerMessage(5, LogLevel.Information, "Session {ConnectionId} from {Client} now uses {TlsProtocol} {TlsCipher}")]
    public static partial void TlsStarted(ILogger logger, string connectionId, EndPoint? client, string tlsProtocol, string tlsCipher);

    [LoggerMessage(6, LogLevel.Information, "Session {ConnectionId} from {Client} authenticated as {User} with {Mechanism}")]
    public static partial void Authenticated(ILogger logger, string connectionId, EndPoint? client, string user, SaslMechanism mechanism);

    [LoggerMessage(7, LogLevel.Warning, "Session {ConnectionId} from {Client}: AUTH {Mechanism} {Outcome}")]
    public static partial void AuthenticationRefused(ILogger logger, string connectionId, EndPoint? client, SaslMechanism mechanism, AuthenticationOutcome outcome);

    [LoggerMessage(8, LogLevel.Error, "Session {ConnectionId}: the authenticator failed")]
    public static partial void AuthenticatorThrew(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(9, LogLevel.Error, "Session {ConnectionId}: sender verification failed")]
    public static partial void VerifierThrew(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(10, LogLevel.Error, "Session {ConnectionId}: the recipient lookup failed")]
    public static partial void RecipientLookupThrew(ILogger logger, string connectionId, Exception exception);
}
