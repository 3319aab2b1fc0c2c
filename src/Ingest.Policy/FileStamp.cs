namespace Ingest.Policy;

/// <summary>
/// What tells a reloadable file changed: last write time and length, through symbolic links (as
/// mounted secrets and config maps swap them). An editor's save or an atomic rename changes one
/// or the other; a same-length rewrite within one tick of the file system's clock would be missed.
/// </summary>
internal readonly record struct FileStamp(DateTime LastWrite, long Length)
{
    public static FileStamp Of(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists ? new FileStamp(file.LastWriteTimeUtc, file.Length) : default;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return default;
        }
    }
}
