using System.Buffers;

namespace Ingest.Protocol.Tests;

// The helper every other test leans on gets its own check: a broken segmentation would make
// the "every segmentation" tests pass vacuously.
public class SegmentationTests
{
    [Fact]
    public void EverySegmentationHoldsTheSameBytes()
    {
        var input = "MAIL FROM:<a@b>\r\n"u8.ToArray();
        var count = 0;
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            Assert.True(input.AsSpan().SequenceEqual(sequence.ToArray()), name);
            count++;
        }

        // One segment, a split at each of the 16 inner offsets, and the two byte-by-byte forms.
        Assert.Equal(1 + (input.Length - 1) + 2, count);
    }

    [Fact]
    public void SplitsAndByteBySegmentationsReallyHaveSeveralSegments()
    {
        var input = "NOOP\r\n"u8.ToArray();
        var segmentations = Segmentation.Of(input).ToList();
        Assert.True(segmentations[0].Sequence.IsSingleSegment);
        Assert.All(segmentations.Skip(1), s => Assert.False(s.Sequence.IsSingleSegment, s.Name));
        Assert.Equal(input.Length, CountSegments(segmentations.Single(s => s.Name == "one byte per segment").Sequence));
    }

    private static int CountSegments(ReadOnlySequence<byte> sequence)
    {
        var count = 0;
        foreach (var _ in sequence)
        {
            count++;
        }

        return count;
    }
}
