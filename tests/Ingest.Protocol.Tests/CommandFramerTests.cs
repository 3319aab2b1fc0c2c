using System.Buffers;
using System.Text;

namespace Ingest.Protocol.Tests;

public class CommandFramerTests
{
    // RFC 5321 4.5.3.1.4: a command line is at most 512 octets including the CRLF.
    private const int Limit = 512;

    private static readonly byte[] ValidCommand = "MAIL FROM:<user@example.com> SIZE=1000 BODY=8BITMIME\r\n"u8.ToArray();

    [Fact]
    public void FramerDoesNotConsumeAnyPrefixOfAValidLine()
    {
        for (var length = 0; length < ValidCommand.Length; length++)
        {
            foreach (var (name, sequence) in Segmentation.Of(ValidCommand[..length]))
            {
                var reader = new SequenceReader<byte>(sequence);
                var status = CommandFramer.TryReadLine(ref reader, Limit, out _);
                Assert.True(status == FrameStatus.Incomplete, $"prefix {length}, {name}: {status}");
                Assert.Equal(0, reader.Consumed);
            }
        }
    }

    [Fact]
    public void FramerReturnsACompleteLineWithoutItsCrLf()
    {
        foreach (var (name, sequence) in Segmentation.Of(ValidCommand))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.Complete, CommandFramer.TryReadLine(ref reader, Limit, out var line));
            Assert.Equal("MAIL FROM:<user@example.com> SIZE=1000 BODY=8BITMIME", Encoding.ASCII.GetString(line.ToArray()));
            Assert.True(reader.End, name);
        }
    }

    [Fact]
    public void FramerLeavesTheNextPipelinedLineUnconsumed()
    {
        var input = "EHLO client.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nQUI"u8.ToArray();
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(["EHLO client.example", "MAIL FROM:<a@b.example>", "RCPT TO:<c@d.example>", "DATA"], ReadAll(ref reader));
            Assert.Equal(FrameStatus.Incomplete, CommandFramer.TryReadLine(ref reader, Limit, out _));
            Assert.True(reader.Remaining == 3, name);
        }
    }

    [Fact]
    public void FramerFramesTenThousandPipelinedLines()
    {
        const int Count = 10_000;
        var input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("NOOP\r\n", Count)));
        var random = new Random(5321);
        ReadOnlySequence<byte>[] cuts =
        [
            Segmentation.Build(input),
            Segmentation.Random(input, random, 7),
            Segmentation.Random(input, random, 4096),
            Segmentation.Build([.. Enumerable.Range(0, input.Length).Select(i => input.AsMemory(i, 1))]),
        ];

        foreach (var sequence in cuts)
        {
            var reader = new SequenceReader<byte>(sequence);
            var framed = 0;
            while (CommandFramer.TryReadLine(ref reader, Limit, out var line) == FrameStatus.Complete)
            {
                Assert.True(line.ToArray().AsSpan().SequenceEqual("NOOP"u8));
                framed++;
            }

            Assert.Equal(Count, framed);
            Assert.True(reader.End);
        }
    }

    [Fact]
    public void FramerAcceptsALineOfExactlyTheLimitIncludingCrLf()
    {
        var input = Line(Limit - 2, "\r\n");
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.Complete, CommandFramer.TryReadLine(ref reader, Limit, out var line));
            Assert.True(line.Length == Limit - 2, name);
            Assert.Equal(Limit, reader.Consumed);
        }
    }

    [Fact]
    public void FramerRejectsALineOneOctetOverTheLimitWithoutConsumingIt()
    {
        var input = Line(Limit - 1, "\r\n");
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.TooLong, CommandFramer.TryReadLine(ref reader, Limit, out _));
            Assert.True(reader.Consumed == 0, name);
        }
    }

    [Theory]
    [InlineData(Limit - 1, FrameStatus.Incomplete)]
    [InlineData(Limit, FrameStatus.TooLong)]
    [InlineData(Limit + 1, FrameStatus.TooLong)]
    public void FramerReportsTooLongOnlyOnceTheLimitIsReachedWithoutALineEnd(int length, FrameStatus expected)
    {
        foreach (var (name, sequence) in Segmentation.Of(Line(length, "")))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(CommandFramer.TryReadLine(ref reader, Limit, out _) == expected, name);
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Fact]
    public void FramerDoesNotTreatACrAtTheLimitAsALineEnd()
    {
        // 511 octets and a CR: the LF that would follow is octet 513.
        var reader = new SequenceReader<byte>(Segmentation.Build(Line(Limit - 1, "\r")));
        Assert.Equal(FrameStatus.TooLong, CommandFramer.TryReadLine(ref reader, Limit, out _));
    }

    [Fact]
    public void FramerDoesNotFindALineEndBeyondTheLimit()
    {
        var input = Line(Limit + 100, "\r\nNOOP\r\n");
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(CommandFramer.TryReadLine(ref reader, Limit, out _) == FrameStatus.TooLong, name);
        }
    }

    // RFC 5321 2.3.8: only CRLF ends a line; a bare LF line is consumed but must not be executed.
    [Fact]
    public void FramerReportsABareLineFeedLineAndConsumesIt()
    {
        var input = "RSET\nQUIT\r\n"u8.ToArray();
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.BareLineFeed, CommandFramer.TryReadLine(ref reader, Limit, out var bare));
            Assert.True(bare.ToArray().AsSpan().SequenceEqual("RSET"u8), name);
            Assert.Equal(5, reader.Consumed);
            Assert.Equal(FrameStatus.Complete, CommandFramer.TryReadLine(ref reader, Limit, out var next));
            Assert.True(next.ToArray().AsSpan().SequenceEqual("QUIT"u8), name);
        }
    }

    [Fact]
    public void FramerReportsALoneLineFeedAsAnEmptyBareLine()
    {
        var reader = new SequenceReader<byte>(Segmentation.Build("\n"u8.ToArray()));
        Assert.Equal(FrameStatus.BareLineFeed, CommandFramer.TryReadLine(ref reader, Limit, out var line));
        Assert.True(line.IsEmpty);
        Assert.True(reader.End);
    }

    [Fact]
    public void FramerKeepsABareCrInsideTheLine()
    {
        // A CR not followed by LF does not end the line: "DATA\r" is what the parser sees, and refuses.
        var input = "DATA\rX\r\n"u8.ToArray();
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.Complete, CommandFramer.TryReadLine(ref reader, Limit, out var line));
            Assert.True(line.ToArray().AsSpan().SequenceEqual("DATA\rX"u8), name);
        }
    }

    [Fact]
    public void FramerGivesTooLongForAMegabyteWithoutCrLf()
    {
        var input = new byte[1024 * 1024];
        input.AsSpan().Fill((byte)'A');
        var random = new Random(1870);
        ReadOnlySequence<byte>[] cuts =
        [
            Segmentation.Build(input),
            Segmentation.Random(input, random, 4096),
            Segmentation.Build([.. Enumerable.Range(0, 2048).Select(i => input.AsMemory(i, 1)), input.AsMemory(2048)]),
        ];

        foreach (var sequence in cuts)
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.TooLong, CommandFramer.TryReadLine(ref reader, Limit, out _));
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Fact]
    public void FramerNeverReadsBytesBeyondTheLimit()
    {
        // STYLE rule 3: the limit is enforced by slicing before searching. Everything after the
        // first 512 octets is memory that throws if read, a megabyte of it.
        var parts = new List<ReadOnlyMemory<byte>> { Line(Limit, "") };
        for (var i = 0; i < 16; i++)
        {
            parts.Add(new PoisonedMemory(64 * 1024).Memory);
        }

        var reader = new SequenceReader<byte>(Segmentation.Build([.. parts]));
        Assert.Equal(FrameStatus.TooLong, CommandFramer.TryReadLine(ref reader, Limit, out _));
    }

    [Fact]
    public void SkipRestOfLineDiscardsAnOverlongLineThroughItsLineFeed()
    {
        var input = Line(Limit + 88, "\r\nNOOP\r\n");
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.Equal(FrameStatus.TooLong, CommandFramer.TryReadLine(ref reader, Limit, out _));
            Assert.True(CommandFramer.SkipRestOfLine(ref reader), name);
            Assert.Equal(Limit + 90, reader.Consumed);
            Assert.Equal(FrameStatus.Complete, CommandFramer.TryReadLine(ref reader, Limit, out var next));
            Assert.True(next.ToArray().AsSpan().SequenceEqual("NOOP"u8), name);
        }
    }

    [Fact]
    public void SkipRestOfLineConsumesEverythingWhileNoLineFeedHasArrived()
    {
        // The discarded line must never occupy the buffer (STYLE rule 3), so what is read is consumed.
        var first = Line(Limit * 3, "\r");
        var reader = new SequenceReader<byte>(Segmentation.Build(first));
        Assert.False(CommandFramer.SkipRestOfLine(ref reader));
        Assert.True(reader.End);

        // The rest of the line arrives: the LF completes the skip and the next command frames.
        reader = new SequenceReader<byte>(Segmentation.Build("xyz\nQUIT\r\n"u8.ToArray()));
        Assert.True(CommandFramer.SkipRestOfLine(ref reader));
        Assert.Equal(4, reader.Consumed);
        Assert.Equal(FrameStatus.Complete, CommandFramer.TryReadLine(ref reader, Limit, out var next));
        Assert.True(next.ToArray().AsSpan().SequenceEqual("QUIT"u8));
    }

    [Fact]
    public void FlattenCopiesOnlyALineThatSpansSegments()
    {
        var bytes = "NOOP hello"u8.ToArray();
        Span<byte> scratch = stackalloc byte[Limit];
        scratch.Clear();

        var single = CommandFramer.Flatten(Segmentation.Build(bytes), scratch);
        Assert.True(single.SequenceEqual(bytes));
        Assert.Equal(0, scratch[0]);

        var split = CommandFramer.Flatten(Segmentation.Build(bytes.AsMemory(0, 3), bytes.AsMemory(3)), scratch);
        Assert.True(split.SequenceEqual(bytes));
        Assert.Equal((byte)'N', scratch[0]);
    }

    private static string[] ReadAll(ref SequenceReader<byte> reader)
    {
        var lines = new List<string>();
        var probe = reader;
        while (CommandFramer.TryReadLine(ref probe, Limit, out var line) == FrameStatus.Complete)
        {
            lines.Add(Encoding.ASCII.GetString(line.ToArray()));
            reader = probe;
        }

        return [.. lines];
    }

    private static byte[] Line(int length, string ending)
    {
        var bytes = new byte[length + ending.Length];
        bytes.AsSpan(0, length).Fill((byte)'x');
        Encoding.ASCII.GetBytes(ending, bytes.AsSpan(length));
        return bytes;
    }

    private sealed class PoisonedMemory(int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => throw new InvalidOperationException("The framer read past its limit.");

        public override MemoryHandle Pin(int elementIndex = 0) => throw new InvalidOperationException("The framer read past its limit.");

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }

        public override Memory<byte> Memory => CreateMemory(length);
    }
}
