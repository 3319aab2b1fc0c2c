using System.Buffers;

namespace Ingest.Protocol.Tests;

/// <summary>
/// Drives a <see cref="DataDecoder"/> the way the session does: segment by segment, with an
/// output buffer of a fixed size that is drained after every call.
/// </summary>
internal static class DecodeHarness
{
    public static readonly int[] OutputSizes = [1, 2, 3, 7, 64];

    public static DecodeResult Run(in ReadOnlySequence<byte> input, int outputSize, BareLineEndingPolicy policy)
    {
        var decoder = new DataDecoder(policy);
        var buffer = new byte[outputSize];
        var output = new List<byte>();
        long consumed = 0;
        foreach (var memory in input)
        {
            var span = memory.Span;
            while (!span.IsEmpty)
            {
                var status = decoder.Decode(span, buffer, out var read, out var written);
                Assert.InRange(read, 0, span.Length);
                Assert.InRange(written, 0, buffer.Length);
                output.AddRange(buffer.AsSpan(0, written));
                span = span[read..];
                consumed += read;
                switch (status)
                {
                    case OperationStatus.Done:
                        Assert.True(decoder.IsComplete);
                        return new DecodeResult([.. output], consumed, true, decoder.SawBareLineEnding);
                    case OperationStatus.NeedMoreData:
                        Assert.True(span.IsEmpty, "NeedMoreData must mean the whole input was consumed.");
                        break;
                    case OperationStatus.DestinationTooSmall:
                        // The buffer was drained: a call on a fresh buffer that does nothing would loop forever.
                        Assert.True(read > 0 || written > 0, $"No progress with a {outputSize}-byte output buffer.");
                        break;
                    default:
                        Assert.Fail($"Unexpected status {status}.");
                        break;
                }
            }
        }

        Assert.False(decoder.IsComplete);
        return new DecodeResult([.. output], consumed, false, decoder.SawBareLineEnding);
    }
}

internal sealed record DecodeResult(byte[] Output, long Consumed, bool Done, bool SawBareLineEnding);
