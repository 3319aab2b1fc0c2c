using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ingest.Protocol;

/// <summary>
/// Streaming decoder for the DATA body (RFC 5321 4.1.1.4, 4.5.2): removes dot-stuffing and stops
/// at the one end-of-data sequence, CRLF "." CRLF, where the first CRLF may be the one ending the
/// DATA command. It copies unstuffed bytes to the output in runs as long as the input allows,
/// scanning once per line. Bare CR and bare LF never end a line for SMTP purposes, so no byte
/// pattern other than CRLF.CRLF can end the data early (CVE-2023-51764/51765/51766).
/// </summary>
public struct DataDecoder
{
    private enum State : byte
    {
        LineStart,
        Dot,
        DotCr,
        Text,
        Cr,
        Done,
    }

    private readonly BareLineEndingPolicy _policy;
    private State _state;

    // The CR of a CRLF went out but the output had no room for the LF: it is written first on
    // the next call, so any non-empty output makes progress (a 1-byte buffer cannot livelock).
    private bool _lfOwed;

    public DataDecoder(BareLineEndingPolicy policy)
    {
        _policy = policy;
        _state = State.LineStart;
    }

    /// <summary>A bare CR or bare LF was seen; under <see cref="BareLineEndingPolicy.Reject"/> the message must be refused.</summary>
    public bool SawBareLineEnding { get; private set; }

    public readonly bool IsComplete => _state == State.Done;

    /// <summary>
    /// Decodes as much as fits. <see cref="OperationStatus.Done"/>: the terminator was consumed and
    /// <paramref name="consumed"/> points just past it. <see cref="OperationStatus.NeedMoreData"/>:
    /// all input consumed. <see cref="OperationStatus.DestinationTooSmall"/>: drain the output and call again.
    /// </summary>
    public OperationStatus Decode(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        var i = 0;
        var w = 0;
        var status = OperationStatus.NeedMoreData;
        while (status == OperationStatus.NeedMoreData && i < input.Length)
        {
            if (_lfOwed)
            {
                if (w == output.Length)
                {
                    status = OperationStatus.DestinationTooSmall;
                    break;
                }

                output[w++] = (byte)'\n';
                _lfOwed = false;
            }

            switch (_state)
            {
                case State.LineStart:
                    if (input[i] == (byte)'.')
                    {
                        _state = State.Dot;
                        i++;
                    }
                    else
                    {
                        _state = State.Text;
                    }

                    break;

                case State.Dot:
                    if (input[i] == (byte)'\r')
                    {
                        _state = State.DotCr;
                        i++;
                    }
                    else
                    {
                        // RFC 5321 4.5.2: a leading period on a line with more characters is deleted.
                        _state = State.Text;
                    }

                    break;

                case State.DotCr:
                    if (input[i] == (byte)'\n')
                    {
                        i++;
                        _state = State.Done;
                        status = OperationStatus.Done;
                    }
                    else if (TryEmitBareLineEnding(output, ref w))
                    {
                        // "." CR x: the dot is stuffing, the CR is bare.
                        _state = State.Text;
                    }
                    else
                    {
                        status = OperationStatus.DestinationTooSmall;
                    }

                    break;

                case State.Cr:
                    if (input[i] == (byte)'\n')
                    {
                        if (w == output.Length)
                        {
                            status = OperationStatus.DestinationTooSmall;
                            break;
                        }

                        EmitCrLf(output, ref w);
                        i++;
                        _state = State.LineStart;
                    }
                    else if (TryEmitBareLineEnding(output, ref w))
                    {
                        _state = State.Text;
                    }
                    else
                    {
                        status = OperationStatus.DestinationTooSmall;
                    }

                    break;

                case State.Text:
                    status = DecodeText(input, output, ref i, ref w);
                    break;

                default:
                    status = OperationStatus.Done;
                    break;
            }
        }

        consumed = i;
        written = w;
        return status;
    }

    /// <summary>
    /// The hot loop. Clean stretches (every CR followed by LF, every LF preceded by CR and not
    /// followed by a dot) are recognised a vector block at a time by <see cref="SkipClean"/>; only
    /// the lines around something interesting get a per-line search. One copy per run. The scan
    /// window never exceeds the output space, so every copy fits.
    /// </summary>
    private OperationStatus DecodeText(ReadOnlySpan<byte> input, Span<byte> output, ref int i, ref int w)
    {
        var space = output.Length - w;
        if (space == 0)
        {
            return OperationStatus.DestinationTooSmall;
        }

        var limit = i + Math.Min(input.Length - i, space);
        var runStart = i;
        while (true)
        {
            // In the Text state a LF at i would be bare (its CR, if any, was already consumed),
            // and the block check cannot see the byte before i: leave that case to the search.
            if (input[i] != (byte)'\n')
            {
                var clean = SkipClean(input, i, limit);
                // Resume mid-line, so the search below sees any CRLF it stopped in whole.
                while (clean > i && input[clean - 1] is (byte)'\r' or (byte)'\n')
                {
                    clean--;
                }

                i = clean;
            }

            var found = input[i..limit].IndexOfAny((byte)'\r', (byte)'\n');
            if (found < 0)
            {
                i = limit;
                Copy(input, runStart, i, output, ref w);
                return i == input.Length ? OperationStatus.NeedMoreData : OperationStatus.DestinationTooSmall;
            }

            var at = i + found;
            if (input[at] == (byte)'\r' && at + 1 < limit && input[at + 1] == (byte)'\n')
            {
                var next = at + 2;
                if (next < limit && input[next] != (byte)'.')
                {
                    i = next;
                    continue;
                }

                Copy(input, runStart, next, output, ref w);
                i = next;
                _state = State.LineStart;
                return OperationStatus.NeedMoreData;
            }

            Copy(input, runStart, at, output, ref w);
            i = at + 1;
            if (input[at] == (byte)'\r')
            {
                // CR at the window's edge: whether it is bare depends on the next byte.
                _state = State.Cr;
                return OperationStatus.NeedMoreData;
            }

            // A bare LF, consumed now; under Normalize it needs output space.
            if (!TryEmitBareLineEnding(output, ref w))
            {
                i = at;
                return OperationStatus.DestinationTooSmall;
            }

            return OperationStatus.NeedMoreData;
        }
    }

    /// <summary>
    /// Advances over whole vector blocks in which, for every position x, input[x] is CR exactly
    /// when input[x + 1] is LF, and no LF is followed by a dot: such a block holds no bare CR or LF,
    /// no dot-stuffed line and no terminator, so it is copied as it is. Reads at most up to
    /// <paramref name="limit"/> (exclusive); returns where the first unclean block starts.
    /// </summary>
    private static int SkipClean(ReadOnlySpan<byte> input, int i, int limit)
    {
        ref var start = ref MemoryMarshal.GetReference(input);
        if (Vector256.IsHardwareAccelerated)
        {
            var cr = Vector256.Create((byte)'\r');
            var lf = Vector256.Create((byte)'\n');
            var dot = Vector256.Create((byte)'.');
            // Two blocks per step: the common case (both clean) costs one branch per 64 bytes.
            while (i + 2 * Vector256<byte>.Count < limit)
            {
                var first = Unclean256(ref start, i, cr, lf, dot);
                var second = Unclean256(ref start, i + Vector256<byte>.Count, cr, lf, dot);
                if ((first | second) != Vector256<byte>.Zero)
                {
                    return first != Vector256<byte>.Zero ? i : i + Vector256<byte>.Count;
                }

                i += 2 * Vector256<byte>.Count;
            }

            while (i + Vector256<byte>.Count < limit)
            {
                if (Unclean256(ref start, i, cr, lf, dot) != Vector256<byte>.Zero)
                {
                    return i;
                }

                i += Vector256<byte>.Count;
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var cr = Vector128.Create((byte)'\r');
            var lf = Vector128.Create((byte)'\n');
            var dot = Vector128.Create((byte)'.');
            while (i + Vector128<byte>.Count < limit)
            {
                var here = Vector128.LoadUnsafe(ref start, (nuint)i);
                var next = Vector128.LoadUnsafe(ref start, (nuint)(i + 1));
                var unclean = (Vector128.Equals(here, cr) ^ Vector128.Equals(next, lf)) | (Vector128.Equals(here, lf) & Vector128.Equals(next, dot));
                if (unclean != Vector128<byte>.Zero)
                {
                    return i;
                }

                i += Vector128<byte>.Count;
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Unclean256(ref byte start, int i, Vector256<byte> cr, Vector256<byte> lf, Vector256<byte> dot)
    {
        var here = Vector256.LoadUnsafe(ref start, (nuint)i);
        var next = Vector256.LoadUnsafe(ref start, (nuint)(i + 1));
        return (Vector256.Equals(here, cr) ^ Vector256.Equals(next, lf)) | (Vector256.Equals(here, lf) & Vector256.Equals(next, dot));
    }

    private bool TryEmitBareLineEnding(Span<byte> output, ref int w)
    {
        SawBareLineEnding = true;
        if (_policy == BareLineEndingPolicy.Reject)
        {
            // The message will be refused; its bytes are only read to find the terminator.
            return true;
        }

        if (w == output.Length)
        {
            return false;
        }

        EmitCrLf(output, ref w);
        return true;
    }

    private void EmitCrLf(Span<byte> output, ref int w)
    {
        output[w++] = (byte)'\r';
        if (w == output.Length)
        {
            _lfOwed = true;
            return;
        }

        output[w++] = (byte)'\n';
    }

    private static void Copy(ReadOnlySpan<byte> input, int from, int to, Span<byte> output, ref int w)
    {
        var run = input[from..to];
        run.CopyTo(output[w..]);
        w += run.Length;
    }
}
