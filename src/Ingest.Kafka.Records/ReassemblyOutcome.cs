namespace Ingest.Kafka.Records;

/// <summary>What one record did to the Reassembler's state.</summary>
public enum ReassemblyOutcome : byte
{
    /// <summary>A chunk was kept; its message is not complete yet.</summary>
    Pending,

    /// <summary>The record completed a message, which was verified and returned.</summary>
    Completed,

    /// <summary>A record of a message already completed (a re-read, or a copy); nothing returned.</summary>
    Duplicate,

    /// <summary>An abort record: the chunks kept for its message were dropped.</summary>
    Aborted,

    /// <summary>The message's chunks, length or hash did not add up: everything kept for it was dropped.</summary>
    Corrupt,

    /// <summary>A record of a message whose start was never seen or which was already dropped.</summary>
    Incomplete,

    /// <summary>Not an Ingest record, or of a format version this library does not know.</summary>
    Foreign,
}
