namespace Ingest.LoadTest;

/// <summary>Messages taken from .eml files, their line endings made CRLF once at load time.</summary>
internal static class EmlLibrary
{
    /// <summary>Every *.eml directly in <paramref name="directory"/>, in name order.</summary>
    public static IReadOnlyList<byte[]> Load(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.eml", SearchOption.TopDirectoryOnly)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"No .eml files in {directory}.");
        }

        return files.Select(file => DotStuffer.NormalizeLineEndings(File.ReadAllBytes(file))).ToArray();
    }
}
