namespace Ingest.Kafka.Records;

/// <summary>Bounds on what a Reassembler holds for messages whose records have not all arrived.</summary>
public sealed class ReassemblerOptions
{
    /// <summary>Chunk bytes held for incomplete messages; past it the oldest incomplete message is dropped.</summary>
    public long MaxPendingBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Incomplete messages held at once; past it the oldest is dropped.</summary>
    public int MaxPendingMessages { get; set; } = 10_000;

    /// <summary>
    /// How long an incomplete message is held after its first chunk arrived. The gateway gives up on a
    /// message well within this (its delivery deadline), so anything older will never complete.
    /// </summary>
    public TimeSpan MaxPendingAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Message ids remembered after they complete or are dropped, to recognise re-reads.</summary>
    public int RememberedMessages { get; set; } = 100_000;
}
