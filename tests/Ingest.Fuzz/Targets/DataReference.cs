using Ingest.Protocol;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// The DATA body rules written the slow, obvious way, one octet at a time, as the oracle for
/// <see cref="DataDecoder"/>: only CRLF "." CRLF ends the data, the first CRLF possibly being the
/// DATA command's (RFC 5321 4.1.1.4); a period opening a line is removed (RFC 5321 4.5.2); a CR or
/// LF outside a CRLF pair is bare and never ends a line (RFC 5321 2.3.8), and is dropped under
/// Reject or written as CRLF under Normalize.
/// </summary>
internal static class DataReference
{
    public static DataOutcome Decode(ReadOnlySpan<byte> input, BareLineEndingPolicy policy)
    {
        var output = new List<byte>();
        var bare = false;
        var lineStart = true;
        var i = 0;
        while (i < input.Length)
        {
            if (lineStart && input[i] == (byte)'.')
            {
                if (i + 1 == input.Length || (input[i + 1] == (byte)'\r' && i + 2 == input.Length))
                {
                    // "." or "." CR at the end: it may yet be the terminator, so nothing is written.
                    break;
                }

                if (input[i + 1] == (byte)'\r' && input[i + 2] == (byte)'\n')
                {
                    return new DataOutcome([.. output], i + 3, true, bare);
                }

                i++;
                lineStart = false;
                continue;
            }

            lineStart = false;
            var b = input[i];
            if (b == (byte)'\r' && i + 1 == input.Length)
            {
                // A CR at the end: whether it is bare depends on the next octet.
                break;
            }

            if (b == (byte)'\r' && input[i + 1] == (byte)'\n')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
                i += 2;
                lineStart = true;
                continue;
            }

            if (b is (byte)'\r' or (byte)'\n')
            {
                bare = true;
                if (policy == BareLineEndingPolicy.Normalize)
                {
                    output.Add((byte)'\r');
                    output.Add((byte)'\n');
                }
            }
            else
            {
                output.Add(b);
            }

            i++;
        }

        // Not terminated: the decoder takes all input it is given.
        return new DataOutcome([.. output], input.Length, false, bare);
    }
}
