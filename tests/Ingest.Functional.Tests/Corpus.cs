namespace Ingest.Functional.Tests;

/// <summary>The shared real-world messages (../shared/corpus beside the repository), read in place.</summary>
internal static class Corpus
{
    public static List<(string Name, byte[] Bytes)> Messages()
    {
        var directory = Locate();
        return Directory.GetFiles(directory, "*.eml").Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), File.ReadAllBytes(path))).ToList();
    }

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

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ingest.sln")))
            {
                return Path.Combine(directory.FullName, "..", "shared", "corpus");
            }
        }

        throw new DirectoryNotFoundException("Ingest.sln not found above " + AppContext.BaseDirectory);
    }
}
