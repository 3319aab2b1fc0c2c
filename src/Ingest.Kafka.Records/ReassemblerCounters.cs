namespace Ingest.Kafka.Records;

/// <summary>What a Reassembler has seen, for a consumer's metrics and logs.</summary>
public sealed class ReassemblerCounters
{
    /// <summary>Messages completed, verified and returned.</summary>
    public long Completed { get; internal set; }

    /// <summary>Records of messages already completed, or chunks already kept: re-reads and copies.</summary>
    public long Duplicates { get; internal set; }

    /// <summary>Abort records: the gateway gave up on the message after some of its chunks went out.</summary>
    public long Aborted { get; internal set; }

    /// <summary>Records that broke their message: a gap in the sequence, or a count, length or hash that did not match.</summary>
    public long Corrupt { get; internal set; }

    /// <summary>Records of messages whose start was never seen or that were already dropped.</summary>
    public long Incomplete { get; internal set; }

    /// <summary>Records that are not the gateway's, or of a format version this library does not know.</summary>
    public long Foreign { get; internal set; }

    /// <summary>Incomplete messages dropped to stay within the byte or message budget.</summary>
    public long Evicted { get; internal set; }

    /// <summary>Incomplete messages dropped for being older than the age budget.</summary>
    public long Expired { get; internal set; }
}
