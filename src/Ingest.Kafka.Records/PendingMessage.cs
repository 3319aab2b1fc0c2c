using System.Security.Cryptography;

namespace Ingest.Kafka.Records;

/// <summary>The chunks of one message received so far, hashed as they arrive.</summary>
internal sealed class PendingMessage(string topic, string id, int partition, long firstOffset, RecordEnvelope envelope, long startedAt) : IDisposable
{
    private readonly List<byte[]> _chunks = [];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public (string Topic, string Id) Key => (topic, id);

    public int Partition => partition;

    public long FirstOffset => firstOffset;

    public RecordEnvelope Envelope => envelope;

    public long StartedAt => startedAt;

    public long Length { get; private set; }

    public int NextSequence => _chunks.Count;

    public LinkedListNode<PendingMessage>? Node { get; set; }

    public void Append(byte[] value)
    {
        _chunks.Add(value);
        _hash.AppendData(value);
        Length += value.Length;
    }

    public bool HashMatches(ReadOnlySpan<byte> expectedHex)
    {
        Span<byte> hash = stackalloc byte[32];
        _hash.GetHashAndReset(hash);
        return RecordHash.Matches(hash, expectedHex);
    }

    public byte[] Concatenate()
    {
        var value = new byte[Length];
        var offset = 0;
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
