using System.Buffers;
using Ingest.Testing;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// Cuts a fuzz input into a multi-segment sequence the way a pipe hands data over. The cut is a
/// function of the input alone (its first octet picks the pattern and the offsets), so AFL can
/// steer it by mutating one byte and a saved finding replays with exactly the same cut.
/// </summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Whole(byte[] input) => new(input);

    public static ReadOnlySequence<byte> Cut(byte[] input)
    {
        if (input.Length < 2)
        {
            return new ReadOnlySequence<byte>(input);
        }

        var key = input[0];
        var parts = new List<ReadOnlyMemory<byte>>();
        switch (key & 3)
        {
            case 0:
                // Three pieces at two offsets spread over the input.
                var first = 1 + key % (input.Length - 1);
                var second = first + (key * 31 + input.Length / 2) % (input.Length - first + 1);
                parts.Add(input.AsMemory(0, first));
                parts.Add(input.AsMemory(first, second - first));
                parts.Add(input.AsMemory(second));
                break;
            case 1:
                // One octet per segment: every boundary falls everywhere.
                for (var i = 0; i < input.Length; i++)
                {
                    parts.Add(input.AsMemory(i, 1));
                }

                break;
            default:
                // A fixed stride; with the low bit of the pattern set, an empty segment after each piece
                // (pipes do hand those over).
                var stride = 1 + (key >> 2) % 16;
                var withEmpty = (key & 3) == 3;
                for (var offset = 0; offset < input.Length; offset += stride)
                {
                    parts.Add(input.AsMemory(offset, Math.Min(stride, input.Length - offset)));
                    if (withEmpty && offset + stride < input.Length)
                    {
                        parts.Add(ReadOnlyMemory<byte>.Empty);
                    }
                }

                break;
        }

        return Build(parts);
    }

    private static ReadOnlySequence<byte> Build(List<ReadOnlyMemory<byte>> parts) => SequenceSegment.Chain(parts);
}
