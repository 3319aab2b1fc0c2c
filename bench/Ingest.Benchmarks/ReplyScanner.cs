using System.Buffers;

namespace Ingest.Benchmarks;

/// <summary>The client side of the benchmark sessions: finds final reply lines without allocating.</summary>
internal static class ReplyScanner
{
    /// <summary>
    /// Consumes complete reply lines up to and including the next final one ("250 ", not "250-",
    /// RFC 5321 4.2.1). False when no final line is buffered yet; continuation lines are consumed.
    /// </summary>
    public static bool TryReadFinal(ref SequenceReader<byte> reader, out int code)
    {
        Span<byte> head = stackalloc byte[4];
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (line.Length < 4)
            {
                throw new InvalidDataException("Reply line too short.");
            }

            line.Slice(0, 4).CopyTo(head);
            if (head[3] == (byte)'-')
            {
                continue;
            }

            code = (head[0] - '0') * 100 + (head[1] - '0') * 10 + (head[2] - '0');
            return true;
        }

        code = 0;
        return false;
    }
}
