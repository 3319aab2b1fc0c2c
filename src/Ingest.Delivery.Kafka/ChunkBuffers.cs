using System.Collections.Concurrent;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// Reusable buffers of one exact length for chunk records (a record value must be a whole byte[],
/// and librdkafka copies it when the record is produced, so one buffer per message in flight is
/// enough). Without them every message past the small buffer allocated a new array of nearly
/// MaxRecordBytes on the large object heap. Chunk capacities are rounded down to a multiple of
/// <see cref="Quantum"/>, so nearly every message shares the one pooled length.
/// </summary>
internal sealed class ChunkBuffers(int maxPooled)
{
    public const int Quantum = 64 * 1024;

    private readonly ConcurrentQueue<byte[]> _pool = new();
    private int _length;
    private int _count;

    public byte[] Rent(int length)
    {
        if (length == Volatile.Read(ref _length) && _pool.TryDequeue(out var buffer))
        {
            Interlocked.Decrement(ref _count);
            return buffer;
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    public void Return(byte[] buffer)
    {
        // The first length returned becomes the pooled one; another length (an unusual envelope) is left to the GC.
        if (Interlocked.CompareExchange(ref _length, buffer.Length, 0) is var length && length != 0 && length != buffer.Length)
        {
            return;
        }

        if (Interlocked.Increment(ref _count) <= maxPooled)
        {
            _pool.Enqueue(buffer);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
