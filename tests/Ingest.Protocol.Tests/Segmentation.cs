using System.Buffers;
using Ingest.Testing;

namespace Ingest.Protocol.Tests;

/// <summary>
/// Builds multi-segment <see cref="ReadOnlySequence{T}"/>s the way a pipe hands them over, and
/// enumerates every way of cutting an input (STYLE tests tier 1): one segment, one split at every
/// offset, one byte per segment, and one byte per segment with empty segments in between.
/// </summary>
internal static class Segmentation
{
    public static ReadOnlySequence<byte> Build(params ReadOnlyMemory<byte>[] parts)
    {
        if (parts.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        return SequenceSegment.Chain(parts);
    }

    public static IEnumerable<(string Name, ReadOnlySequence<byte> Sequence)> Of(byte[] input)
    {
        yield return ("one segment", Build(input));
        for (var split = 1; split < input.Length; split++)
        {
            yield return ($"split at {split}", Build(input.AsMemory(0, split), input.AsMemory(split)));
        }

        if (input.Length > 1)
        {
            yield return ("one byte per segment", Build(OneBytePerSegment(input, withEmpty: false)));
            yield return ("one byte per segment with empty segments", Build(OneBytePerSegment(input, withEmpty: true)));
        }
    }

    /// <summary>Random cuts, for inputs too long to split at every offset.</summary>
    public static ReadOnlySequence<byte> Random(byte[] input, Random random, int maxSegment)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        var offset = 0;
        while (offset < input.Length)
        {
            var length = Math.Min(random.Next(1, maxSegment + 1), input.Length - offset);
            parts.Add(input.AsMemory(offset, length));
            offset += length;
        }

        return Build([.. parts]);
    }

    private static ReadOnlyMemory<byte>[] OneBytePerSegment(byte[] input, bool withEmpty)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < input.Length; i++)
        {
            parts.Add(input.AsMemory(i, 1));
            if (withEmpty && i < input.Length - 1)
            {
                parts.Add(ReadOnlyMemory<byte>.Empty);
            }
        }

        return [.. parts];
    }
}
