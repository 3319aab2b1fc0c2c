using System.Text;

namespace Ingest.LoadTest;

/// <summary>
/// Finds what this tool sent inside what a sink stored. Every message starts with the id header
/// (<see cref="MessageFactory.IdHeaderName"/>), so the sent bytes are the stored ones from that
/// header's line onwards; whatever is above it is what the gateway prepended.
/// </summary>
internal static class SentContent
{
    private static readonly byte[] IdHeader = Encoding.ASCII.GetBytes(MessageFactory.IdHeaderName + ": ");

    // RFC 5321 4.4 (Received) and RFC 8601 (Authentication-Results): the only fields the gateway adds in Kafka.
    private static readonly byte[][] TraceFields = [Encoding.ASCII.GetBytes("Received:"), Encoding.ASCII.GetBytes("Authentication-Results:")];

    /// <summary>Where the id header's line starts (at the start or just after an LF), and the id; -1 when there is none.</summary>
    public static int Locate(ReadOnlySpan<byte> content, out Guid id)
    {
        id = default;
        var from = 0;
        while (from < content.Length)
        {
            var at = content[from..].IndexOf(IdHeader);
            if (at < 0)
            {
                return -1;
            }

            at += from;
            if ((at == 0 || content[at - 1] == (byte)'\n') && TryReadId(content[(at + IdHeader.Length)..], out id))
            {
                return at;
            }

            from = at + 1;
        }

        return -1;
    }

    /// <summary>
    /// Whether <paramref name="prefix"/> is nothing but trace fields (Received:, Authentication-Results:),
    /// each line CRLF-terminated, continuation lines folded with white space (RFC 5322 2.2.3).
    /// </summary>
    public static bool IsTracePrefix(ReadOnlySpan<byte> prefix)
    {
        if (prefix.IsEmpty)
        {
            return false;
        }

        var first = true;
        while (!prefix.IsEmpty)
        {
            var end = prefix.IndexOf("\r\n"u8);
            if (end < 0)
            {
                return false;
            }

            var line = prefix[..end];
            var folded = line.Length > 0 && (line[0] == (byte)' ' || line[0] == (byte)'\t');
            if (folded ? first : !StartsWithTraceField(line))
            {
                return false;
            }

            first = false;
            prefix = prefix[(end + 2)..];
        }

        return true;
    }

    private static bool StartsWithTraceField(ReadOnlySpan<byte> line)
    {
        foreach (var name in TraceFields)
        {
            if (line.StartsWith(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryReadId(ReadOnlySpan<byte> value, out Guid id)
    {
        // A GUID in "D" form is 36 characters; never decode more than a line's worth.
        value = value[..Math.Min(value.Length, 64)];
        var end = value.IndexOf((byte)'\r');
        return Guid.TryParseExact(Encoding.ASCII.GetString(end < 0 ? value : value[..end]), "D", out id);
    }
}
