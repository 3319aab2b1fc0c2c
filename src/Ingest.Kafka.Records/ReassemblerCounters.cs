namespace Ingest.Kafka.Records;

/// <summary>What a Reassembler has seen, for a consumer's metrics and logs.</summary>
public sealed class ReassemblerCounters
{
    public long Completed { get; internal set; }

    public long Duplicates { get; internal set; }

    public long Aborted { get; internal set; }

    public long Corrupt { get; internal set; }

    /// <summary>Records of messages whose start was never seen or that were already dropped.</summary>
    public long Incomplete { get; internal set; }

    public long Foreign { get; internal set; }

    /// <summary>Incomplete messages dropped to stay within the byte or message budget.</summary>
    public long Evicted { get; internal set; }

    /// <summary>Incomplete messages dropped for being older than the age budget.</summary>
    public long Expired { get; internal set; }
}
