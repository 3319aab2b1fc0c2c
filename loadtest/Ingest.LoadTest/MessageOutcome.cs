namespace Ingest.LoadTest;

/// <summary>
/// How one message ended: the reply code that decided it (the final reply to the data, or the
/// first refusal before it), when the data was sent the end-of-data to final-reply time, and the
/// gateway's id from a 250's "queued as".
/// </summary>
internal readonly record struct MessageOutcome(int Code, TimeSpan? Latency, string? QueuedId = null)
{
    public bool Accepted => Code is >= 200 and < 300;

    /// <summary>RFC 5321 3.8: after 421 the server closes the connection.</summary>
    public bool ConnectionClosing => Code == 421;
}
