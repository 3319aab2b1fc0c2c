using System.Buffers;
using Ingest.Protocol;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// The DATA body decoder, under both bare-line-ending policies, driven as the session drives it:
/// segment by segment into a small output buffer that is drained after each call. Asserts that
/// nothing throws, that every call makes progress, that whole and segmented decoding both agree
/// with <see cref="DataReference"/> (same octets out, same terminator position, same bare-line-ending
/// verdict), that output never outgrows what went in (Reject: at most the input; Normalize: a bare
/// CR or LF becomes two octets, so at most twice), and that the terminator is found once: a decoder
/// that is done takes nothing more. BDAT has no body decoder (its chunks are counted octets, read by
/// the session); its command is fuzzed by <see cref="CommandTarget"/>.
/// </summary>
internal static class DataTarget
{
    // Small output buffers reach the "CR written, LF owed" path; 64 is the session-like case.
    private static readonly int[] OutputSizes = [1, 2, 3, 4, 5, 7, 16, 64];

    public static void Run(byte[] input)
    {
        foreach (var policy in (ReadOnlySpan<BareLineEndingPolicy>)[BareLineEndingPolicy.Reject, BareLineEndingPolicy.Normalize])
        {
            var expected = DataReference.Decode(input, policy);
            var whole = Decode(Segments.Whole(input), 2 * input.Length + 2, policy);
            var outputSize = input.Length == 0 ? 1 : OutputSizes[(input[^1] + input.Length) % OutputSizes.Length];
            var cut = Decode(Segments.Cut(input), outputSize, policy);
            Invariant.That(whole.Equals(expected), $"{policy}, one segment: {whole} but the reference gives {expected}");
            Invariant.That(cut.Equals(expected) || OwesFinalLineFeed(cut, expected), $"{policy}, segmented, {outputSize}-octet output: {cut} but the reference gives {expected}");
            var bound = policy == BareLineEndingPolicy.Reject ? whole.Consumed : 2 * whole.Consumed;
            Invariant.That(whole.Output.Length <= bound, $"{policy}: {whole.Output.Length} octets out of {whole.Consumed} in");
        }
    }

    /// <summary>
    /// When the output had room for the CR of a CRLF but not its LF, the decoder owes the LF and
    /// writes it first on its next call with input; an unterminated body may end with it still owed.
    /// Once the terminator is read, nothing may be owed.
    /// </summary>
    private static bool OwesFinalLineFeed(DataOutcome actual, DataOutcome expected) =>
        !expected.Done && expected.Output.AsSpan().EndsWith("\r\n"u8)
        && (actual with { Output = [.. actual.Output, (byte)'\n'] }).Equals(expected);

    private static DataOutcome Decode(in ReadOnlySequence<byte> input, int outputSize, BareLineEndingPolicy policy)
    {
        var decoder = new DataDecoder(policy);
        var buffer = new byte[outputSize];
        var output = new List<byte>();
        long consumed = 0;
        var position = input.Start;
        while (input.TryGet(ref position, out var memory))
        {
            var span = memory.Span;
            while (!span.IsEmpty)
            {
                var status = decoder.Decode(span, buffer, out var read, out var written);
                Invariant.That(read >= 0 && read <= span.Length && written >= 0 && written <= buffer.Length, "consumed or written out of range");
                output.AddRange(buffer.AsSpan(0, written));
                span = span[read..];
                consumed += read;
                switch (status)
                {
                    case OperationStatus.Done:
                        Invariant.That(decoder.IsComplete, "Done but not complete");
                        AssertStaysDone(ref decoder, span, buffer);
                        while (input.TryGet(ref position, out var after))
                        {
                            AssertStaysDone(ref decoder, after.Span, buffer);
                        }

                        return new DataOutcome([.. output], consumed, true, decoder.SawBareLineEnding);
                    case OperationStatus.NeedMoreData:
                        Invariant.That(span.IsEmpty, "NeedMoreData with input left");
                        break;
                    case OperationStatus.DestinationTooSmall:
                        // The buffer was drained: a call that does nothing would loop forever.
                        Invariant.That(read > 0 || written > 0, $"no progress with a {outputSize}-octet output buffer");
                        break;
                    default:
                        throw new InvariantViolationException($"unexpected status {status}");
                }
            }
        }

        Invariant.That(!decoder.IsComplete, "complete without reporting Done");
        return new DataOutcome([.. output], consumed, false, decoder.SawBareLineEnding);
    }

    /// <summary>Whatever follows the terminator (the next command, or a second CRLF.CRLF) is not the body's.</summary>
    private static void AssertStaysDone(ref DataDecoder decoder, ReadOnlySpan<byte> after, byte[] buffer)
    {
        if (after.IsEmpty)
        {
            return;
        }

        var status = decoder.Decode(after, buffer, out var read, out var written);
        Invariant.That(status == OperationStatus.Done && read == 0 && written == 0, $"a finished decoder took input again: {status}, {read} read, {written} written");
    }
}
