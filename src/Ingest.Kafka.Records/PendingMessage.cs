namespace Ingest.Kafka.Records;

/// <summary>The chunks of one message received so far, hashed as they arrive.</summary>
internal sealed class PendingMessage(string topic, string id, int partition, long firstOffset, RecordEnvelope envelope, int version, long startedAt) : IDisposable
{
    private readonly List<byte[]> _chunks = [];
    private readonly RecordHasher _hash = new(version == RecordFormat.LegacyVersion ? RecordHashAlgorithm.Sha256 : RecordHashAlgorithm.XxHash128);

    public (string Topic, string Id) Key => (topic, id);

    public int Partition => partition;

    public long FirstOffset => firstOffset;

    public RecordEnvelope Envelope => envelope;

    /// <summary>The format version of the message's first record; every later record must have the same.</summary>
    public int Version => version;

    public long StartedAt => startedAt;

    public long Length { get; private set; }

    public int NextSequence => _chunks.Count;

    public LinkedListNode<PendingMessage>? Node { get; set; }

    public void Append(byte[] value)
    {
        _chunks.Add(value);
        _hash.Append(value);
        Length += value.Length;
    }

    public bool HashMatches(ReadOnlySpan<byte> expectedHex) => _hash.Matches(expectedHex);

    /// <summary>The chunks joined, after <paramref name="prefix"/> (the final record's ingest-prefix, if any).</summary>
    public byte[] Concatenate(ReadOnlySpan<byte> prefix = default)
    {
        var value = new byte[prefix.Length + Length];
        prefix.CopyTo(value);
        var offset = prefix.Length;
        foreach (var chunk in _chunks)
        {
            chunk.CopyTo(value, offset);
            offset += chunk.Length;
        }

        return value;
    }

    public void Dispose()
    {
        _hash.Dispose();
        _chunks.Clear();
    }
}
