namespace Ingest.Delivery;

/// <summary>
/// When the client asked to be told about a recipient (RCPT NOTIFY=, RFC 3461 4.1): never, or on
/// any of success, failure and delay. None: not said, which RFC 3461 4.1 reads as FAILURE,DELAY.
/// </summary>
[Flags]
public enum NotifyConditions : byte
{
    None = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}
