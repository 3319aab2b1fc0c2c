using System.Buffers;

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
    /// The hot loop: one vectorised search per line, one copy per run of ordinary lines. The scan
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
