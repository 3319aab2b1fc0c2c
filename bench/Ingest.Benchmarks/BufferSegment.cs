using System.Buffers;

namespace Ingest.Benchmarks;

/// <summary>Builds multi-segment sequences, as a pipe hands over data that arrived in pieces.</summary>
internal sealed class BufferSegment : ReadOnlySequenceSegment<byte>
{
    private BufferSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary><paramref name="data"/> split at <paramref name="splitAt"/> into two segments (one if 0).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int splitAt)
    {
        if (splitAt <= 0 || splitAt >= data.Length)
        {
            return new ReadOnlySequence<byte>(data);
        }

        var first = new BufferSegment(data.AsMemory(0, splitAt), 0);
        var second = new BufferSegment(data.AsMemory(splitAt), splitAt);
        first.Next = second;
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }
}
