namespace Ingest.Functional.Tests;

/// <summary>Turning corpus files into what DATA carries: CRLF lines, dot-stuffed.</summary>
internal static class Corpus
{
    /// <summary>Every CR, LF or CRLF becomes CRLF, and the message ends with one.</summary>
    public static byte[] ToCrlf(byte[] raw)
    {
        var output = new List<byte>(raw.Length + raw.Length / 20);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\r' || raw[i] == '\n')
            {
                if (raw[i] == '\r' && i + 1 < raw.Length && raw[i + 1] == '\n')
                {
                    i++;
                }

                output.Add((byte)'\r');
                output.Add((byte)'\n');
            }
            else
            {
                output.Add(raw[i]);
            }
        }

        if (output.Count < 2 || output[^1] != '\n')
        {
            output.Add((byte)'\r');
            output.Add((byte)'\n');
        }

        return [.. output];
    }

    /// <summary>RFC 5321 4.5.2: a line that starts with a dot gets one more.</summary>
    public static byte[] DotStuff(byte[] crlfLines)
    {
        var output = new List<byte>(crlfLines.Length + 64);
        var lineStart = true;
        foreach (var b in crlfLines)
        {
            if (lineStart && b == '.')
            {
                output.Add((byte)'.');
            }

            output.Add(b);
            lineStart = b == '\n';
        }

        return [.. output];
    }
}
