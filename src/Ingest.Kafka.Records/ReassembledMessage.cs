namespace Ingest.Kafka.Records;

/// <summary>A whole message, verified: its value is exactly what the gateway accepted (trace header and body).</summary>
public sealed class ReassembledMessage
{
    public required RecordEnvelope Envelope { get; init; }

    public required byte[] Value { get; init; }

    public required string Topic { get; init; }

    public int Partition { get; init; }

    /// <summary>Offsets of the message's first and last records (equal for a whole record).</summary>
    public long FirstOffset { get; init; }

    public long LastOffset { get; init; }

    /// <summary>How many records carried the value (1 for a whole record).</summary>
    public int Records { get; init; }
}
