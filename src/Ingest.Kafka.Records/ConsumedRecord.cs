namespace Ingest.Kafka.Records;

/// <summary>
/// One record as a consumer received it, in terms of no particular Kafka client: adapt a
/// Confluent.Kafka ConsumeResult (or any other client's record) into this.
/// </summary>
public sealed class ConsumedRecord
{
    /// <summary>The topic the record was read from.</summary>
    public required string Topic { get; init; }

    /// <summary>The partition the record was read from.</summary>
    public int Partition { get; init; }

    /// <summary>The record's offset in its partition.</summary>
    public long Offset { get; init; }

    /// <summary>The record's key: the message id for the gateway's records.</summary>
    public byte[]? Key { get; init; }

    /// <summary>The record's value; kept (not copied) by the Reassembler until its message completes.</summary>
    public required byte[] Value { get; init; }

    /// <summary>Headers in record order; a name may repeat (one recipient header per recipient).</summary>
    public required IReadOnlyList<KeyValuePair<string, byte[]>> Headers { get; init; }

    /// <summary>The value of the first header called <paramref name="name"/>, or null.</summary>
    /// <param name="name">A header name, compared ordinally (the format's names are in <see cref="RecordHeaders"/>).</param>
    public byte[]? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.Ordinal))
            {
                return header.Value;
            }
        }

        return null;
    }
}
