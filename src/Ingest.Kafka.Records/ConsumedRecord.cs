namespace Ingest.Kafka.Records;

/// <summary>
/// One record as a consumer received it, in terms of no particular Kafka client: adapt a
/// Confluent.Kafka ConsumeResult (or any other client's record) into this.
/// </summary>
public sealed class ConsumedRecord
{
    public required string Topic { get; init; }

    public int Partition { get; init; }

    public long Offset { get; init; }

    public byte[]? Key { get; init; }

    /// <summary>The record's value; kept (not copied) by the Reassembler until its message completes.</summary>
    public required byte[] Value { get; init; }

    /// <summary>Headers in record order; a name may repeat (one recipient header per recipient).</summary>
    public required IReadOnlyList<KeyValuePair<string, byte[]>> Headers { get; init; }

    /// <summary>The value of the first header called <paramref name="name"/>, or null.</summary>
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
