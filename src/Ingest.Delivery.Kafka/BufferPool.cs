using System.Collections.Concurrent;
using System.Numerics;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// The sink's own pool of message buffers, of exact lengths: powers of two from 16 KiB for a message
/// as it grows, and the chunk capacity (a record value must be a whole byte[], so a chunk record is
/// produced straight from a buffer of exactly that length; librdkafka copies it, so it is free again
/// at once). Not ArrayPool.Shared: a buffer is rented on the thread that reads the session's socket
/// and returned on the delivery-report thread where the session continues, and with a hundred
/// sessions in flight the shared pool's per-core stacks overflowed, so most messages allocated a
/// fresh 64 KiB array (100-240 MB/s of garbage and gen2 collections at 4,000 messages/s).
/// Each length keeps at most <see cref="RetainedBytesPerLength"/> of idle buffers.
/// </summary>
internal sealed class BufferPool
{
    public const int SmallestBytes = 16 * 1024;

    /// <summary>Chunk capacities are rounded down to a multiple of this, so nearly every message shares one.</summary>
    public const int ChunkQuantum = 64 * 1024;

    private const long RetainedBytesPerLength = 8L * 1024 * 1024;
    private const int SmallestShift = 14;

    private readonly Bucket[] _powers = new Bucket[31 - SmallestShift];
    private readonly Bucket _other = new();

    public BufferPool()
    {
        for (var i = 0; i < _powers.Length; i++)
        {
            _powers[i] = new Bucket();
        }
    }

    /// <summary>A buffer of exactly <paramref name="length"/> bytes, contents undefined.</summary>
    public byte[] Rent(int length) =>
        BucketOf(length)?.TryTake(length) ?? GC.AllocateUninitializedArray<byte>(length);

    public void Return(byte[] buffer) => BucketOf(buffer.Length)?.Add(buffer);

    /// <summary>The length of the next buffer for a message that has filled one of <paramref name="current"/> bytes.</summary>
    public static int NextLength(int current, int capacity) => current >= capacity / 2 ? capacity : current * 2;

    private Bucket? BucketOf(int length)
    {
        if (length >= SmallestBytes && BitOperations.IsPow2(length))
        {
            return _powers[BitOperations.Log2((uint)length) - SmallestShift];
        }

        // One other length is pooled: the first returned, in practice the chunk capacity.
        return _other.Accepts(length) ? _other : null;
    }

    private sealed class Bucket
    {
        private readonly ConcurrentQueue<byte[]> _idle = new();
        private int _length;
        private int _count;

        public bool Accepts(int length) => Interlocked.CompareExchange(ref _length, length, 0) is 0 || Volatile.Read(ref _length) == length;

        public byte[]? TryTake(int length)
        {
            if (_idle.TryDequeue(out var buffer))
            {
                Interlocked.Decrement(ref _count);
                return buffer.Length == length ? buffer : null;
            }

            return null;
        }

        public void Add(byte[] buffer)
        {
            var limit = Math.Max(4, (int)(RetainedBytesPerLength / buffer.Length));
            if (Interlocked.Increment(ref _count) <= limit)
            {
                _idle.Enqueue(buffer);
            }
            else
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
