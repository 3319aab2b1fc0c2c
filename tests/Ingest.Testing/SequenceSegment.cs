using System.Buffers;

namespace Ingest.Testing;

/// <summary>
/// A link of a hand-made multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands over bytes
/// that arrived in pieces. One source file compiled into every test project that cuts input up
/// (Protocol, Session, the fuzz targets), so none of them needs another's assembly.
/// </summary>
internal sealed class SequenceSegment : ReadOnlySequenceSegment<byte>
{
    public SequenceSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>The parts, in order, as one sequence of that many segments (empty parts included).</summary>
    public static ReadOnlySequence<byte> Chain(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        var head = new SequenceSegment(parts[0], 0);
        var tail = head;
        for (var i = 1; i < parts.Count; i++)
        {
            tail = tail.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(head, 0, tail, tail.Memory.Length);
    }

    public SequenceSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new SequenceSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }
}
