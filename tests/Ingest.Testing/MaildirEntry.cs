using System.Globalization;

namespace Ingest.Testing;

/// <summary>
/// One message file of a Maildir and what its name says: "time.unique.host[,S=size][:2,flags]"
/// (https://cr.yp.to/proto/maildir.html; ",S=" and the ":2," info as Dovecot reads and writes them).
/// </summary>
public sealed record MaildirEntry(string Path, string Folder, long NameTime, long? NameSize, string? Info, byte[] Bytes)
{
    /// <summary>Every file in new/ and cur/.</summary>
    public static IReadOnlyList<MaildirEntry> ReadAll(string maildir) =>
        new[] { "new", "cur" }.SelectMany(folder => Directory.GetFiles(System.IO.Path.Combine(maildir, folder)).Select(path => Read(path, folder))).ToList();

    private static MaildirEntry Read(string path, string folder)
    {
        var name = System.IO.Path.GetFileName(path);
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var baseName = colon < 0 ? name : name[..colon];
        var sizeField = baseName.Split(',').Skip(1).FirstOrDefault(field => field.StartsWith("S=", StringComparison.Ordinal));
        return new MaildirEntry(
            path,
            folder,
            long.Parse(baseName[..baseName.IndexOf('.', StringComparison.Ordinal)], CultureInfo.InvariantCulture),
            sizeField is null ? null : long.Parse(sizeField[2..], CultureInfo.InvariantCulture),
            colon < 0 ? null : name[(colon + 1)..],
            File.ReadAllBytes(path));
    }
}
