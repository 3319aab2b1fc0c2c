using System.Buffers;
using BenchmarkDotNet.Attributes;
using Ingest.Protocol;

namespace Ingest.Benchmarks;

/// <summary>
/// The DATA decoder over a 1 MB message as it arrives from the pipe: one large segment, or many
/// 1 KB / 4 KB segments; with or without dot-stuffed lines. Output goes into a 64 KB buffer that
/// is drained when full, like the session's body chunk. The baseline copies the same segments
/// into the same buffer with Span.CopyTo: the memcpy floor. Target: Decode within 2x of it.
/// </summary>
[MemoryDiagnoser]
public class DataDecoderBenchmark
{
    private const int MessageSize = 1024 * 1024;
    private const int OutputSize = 64 * 1024;

    private readonly byte[] _output = new byte[OutputSize];
    private byte[][] _segments = [];

    [Params(1, 4, 1024)]
    public int SegmentKb { get; set; }

    [Params(false, true)]
    public bool DotStuffed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var wire = BenchmarkInputs.DataWire(BenchmarkInputs.Message(MessageSize, DotStuffed));
        var segmentSize = SegmentKb * 1024;
        _segments = wire.Chunk(segmentSize).ToArray();

        // The decoder must end exactly at the terminator, having written the message back.
        if (Decode() != MessageSize)
        {
            throw new InvalidOperationException("The decoder did not reproduce the canned message.");
        }
    }

    [Benchmark(Baseline = true)]
    public long CopyBaseline()
    {
        var output = _output.AsSpan();
        var fill = 0;
        var total = 0L;
        foreach (var segment in _segments)
        {
            var input = segment.AsSpan();
            while (!input.IsEmpty)
            {
                if (fill == OutputSize)
                {
                    fill = 0;
                }

                var length = Math.Min(input.Length, OutputSize - fill);
                input[..length].CopyTo(output[fill..]);
                input = input[length..];
                fill += length;
                total += length;
            }
        }

        return total;
    }

    [Benchmark]
    public long Decode()
    {
        var decoder = new DataDecoder(BareLineEndingPolicy.Reject);
        var output = _output.AsSpan();
        var fill = 0;
        var total = 0L;
        foreach (var segment in _segments)
        {
            var input = segment.AsSpan();
            while (!input.IsEmpty)
            {
                var status = decoder.Decode(input, output[fill..], out var consumed, out var written);
                input = input[consumed..];
                fill += written;
                total += written;
                if (status == OperationStatus.Done)
                {
                    return total;
                }

                if (status == OperationStatus.DestinationTooSmall)
                {
                    fill = 0;
                }
            }
        }

        throw new InvalidOperationException("No end of data in the canned body.");
    }
}
