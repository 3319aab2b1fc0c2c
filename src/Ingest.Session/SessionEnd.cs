namespace Ingest.Session;

/// <summary>Why a session ended: a bounded set, used as a metric tag and in logs.</summary>
public enum SessionEnd : byte
{
    Quit,
    ClientClosed,
    ClientClosedMidBody,
    ConnectionLost,
    Timeout,
    Shutdown,
    TooManyErrors,
    ProtocolViolation,
    TransactionLimit,
    ClientNotReading,
    Refused,
    TlsHandshakeFailed,
}
