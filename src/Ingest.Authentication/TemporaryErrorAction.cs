namespace Ingest.Authentication;

/// <summary>How an enabled policy treats a verdict DNS could not settle.</summary>
public enum TemporaryErrorAction : byte
{
    /// <summary>Deliver, with a temperror verdict for consumers to judge.</summary>
    Accept,

    /// <summary>Answer 451 4.7.x so the sender retries later.</summary>
    Defer,
}
