namespace Ingest.Kafka.Records;

/// <summary>A whole message, verified: its value is exactly what the gateway accepted (trace header and body).</summary>
public sealed class ReassembledMessage
{
    /// <summary>The SMTP envelope, from the message's first record.</summary>
    public required RecordEnvelope Envelope { get; init; }

    /// <summary>
    /// The message exactly as the gateway accepted it: its Received: trace header, then the body as
    /// received (after DATA dot-unstuffing, CRLF line endings kept).
    /// </summary>
    public required byte[] Value { get; init; }

    /// <summary>The topic the message was read from.</summary>
    public required string Topic { get; init; }

    /// <summary>The partition every record of the message was read from.</summary>
    public int Partition { get; init; }

    /// <summary>Offset of the message's first record.</summary>
    public long FirstOffset { get; init; }

    /// <summary>Offset of the message's last record (the same as <see cref="FirstOffset"/> for a whole record).</summary>
    public long LastOffset { get; init; }

    /// <summary>How many records carried the value (1 for a whole record).</summary>
    public int Records { get; init; }

    /// <summary>The compact SPF verdict ("pass example.org"), when the gateway verified senders.</summary>
    public string? Spf { get; init; }

    /// <summary>The compact DKIM verdicts, one per signature.</summary>
    public IReadOnlyList<string> Dkim { get; init; } = [];

    /// <summary>The compact DMARC verdict ("fail example.com reject").</summary>
    public string? Dmarc { get; init; }
}
