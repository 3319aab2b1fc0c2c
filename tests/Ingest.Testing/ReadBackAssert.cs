using MimeKit;
using Xunit;

namespace Ingest.Testing;

/// <summary>What a mail server serving a Maildir must show of it, checked against the files themselves.</summary>
public static class ReadBackAssert
{
    /// <summary>
    /// One IMAP message per file, with the file's exact bytes; RFC822.SIZE is the file size, which is
    /// the name's ",S="; INTERNALDATE (RFC 3501 2.3.3) is the arrival time the name starts with.
    /// </summary>
    public static void ImapServesEveryFile(IReadOnlyList<ImapMessage> messages, IReadOnlyList<MaildirEntry> files)
    {
        Assert.Equal(files.Count, messages.Count);
        foreach (var message in messages)
        {
            var file = Assert.Single(files, file => file.Bytes.AsSpan().SequenceEqual(message.Bytes));
            Assert.Equal(file.Bytes.Length, message.Size);
            Assert.Equal(file.Bytes.Length, file.NameSize);
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(file.NameTime), message.InternalDate);
        }
    }

    /// <summary>
    /// One POP3 message per file, the file's exact bytes, LIST size the file size. The one change POP3
    /// makes: a message whose last line lacks its CRLF (possible with BDAT, RFC 3030) gets one, since
    /// a multi-line response is made of CRLF-terminated lines (RFC 1939 3).
    /// </summary>
    public static void Pop3ServesEveryFile(IReadOnlyList<Pop3Message> messages, IReadOnlyList<MaildirEntry> files)
    {
        Assert.Equal(files.Count, messages.Count);
        Assert.Equal(messages.Count, messages.Select(message => message.Uid).Distinct().Count());
        foreach (var message in messages)
        {
            var file = Assert.Single(files, file => Retrieved(file.Bytes).AsSpan().SequenceEqual(message.Bytes));
            Assert.Equal(file.Bytes.Length, message.Size);
        }
    }

    /// <summary>The header fields of a message's bytes, as a mail client parses them.</summary>
    public static HeaderList Headers(byte[] message)
    {
        using var stream = new MemoryStream(message);
        return HeaderList.Load(stream);
    }

    private static byte[] Retrieved(byte[] file) => file.AsSpan().EndsWith("\r\n"u8) ? file : [.. file, (byte)'\r', (byte)'\n'];
}
