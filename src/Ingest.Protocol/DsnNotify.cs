namespace Ingest.Protocol;

/// <summary>
/// The RCPT NOTIFY= parameter (RFC 3461 4.1): NEVER alone, or any of SUCCESS, FAILURE and DELAY.
/// None means the client sent no NOTIFY.
/// </summary>
[Flags]
public enum DsnNotify : byte
{
    None = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}
