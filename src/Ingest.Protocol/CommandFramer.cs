using System.Buffers;

namespace Ingest.Protocol;

/// <summary>
/// Splits the command stream into lines. Limits are enforced by slicing before searching
/// (STYLE rule 3): a client that never sends LF cannot make us scan or keep more than the limit.
/// </summary>
public static class CommandFramer
{
    /// <param name="maxLineLength">Octets including the CRLF (RFC 5321 4.5.3.1.4: 512).</param>
    /// <param name="line">The line without its CRLF; valid until the reader's buffer is released.</param>
    public static FrameStatus TryReadLine(ref SequenceReader<byte> reader, int maxLineLength, out ReadOnlySequence<byte> line)
    {
        var window = reader.Remaining > maxLineLength
            ? reader.UnreadSequence.Slice(0, maxLineLength)
            : reader.UnreadSequence;
        var limited = new SequenceReader<byte>(window);
        if (!limited.TryReadTo(out ReadOnlySequence<byte> content, (byte)'\n'))
        {
            line = default;
            return window.Length >= maxLineLength ? FrameStatus.TooLong : FrameStatus.Incomplete;
        }

        reader.Advance(content.Length + 1);
        // RFC 5321 2.3.8: lines end with CRLF; a bare LF is not a line end we will act on.
        if (content.IsEmpty || LastByte(content) != (byte)'\r')
        {
            line = content;
            return FrameStatus.BareLineFeed;
        }

        line = content.Slice(0, content.Length - 1);
        return FrameStatus.Complete;
    }

    /// <summary>
    /// Discards the rest of an over-long line. Returns true once its LF has been consumed; until
    /// then everything read is consumed, so the discarded line never occupies the buffer.
    /// </summary>
    public static bool SkipRestOfLine(ref SequenceReader<byte> reader)
    {
        if (reader.TryAdvanceTo((byte)'\n'))
        {
            return true;
        }

        reader.AdvanceToEnd();
        return false;
    }

    /// <summary>A contiguous view of a line, copying into <paramref name="scratch"/> only when it spans segments.</summary>
    public static ReadOnlySpan<byte> Flatten(in ReadOnlySequence<byte> line, Span<byte> scratch)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan;
        }

        line.CopyTo(scratch);
        return scratch[..(int)line.Length];
    }

    private static byte LastByte(in ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.FirstSpan[^1];
        }

        Span<byte> last = stackalloc byte[1];
        sequence.Slice(sequence.Length - 1).CopyTo(last);
        return last[0];
    }
}
