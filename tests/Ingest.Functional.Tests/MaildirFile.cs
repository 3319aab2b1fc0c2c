namespace Ingest.Functional.Tests;

/// <summary>A delivered Maildir file split into the lines the gateway added and the message as sent.</summary>
internal sealed record MaildirFile(string Prelude, byte[] Message)
{
    public static MaildirFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        // Added lines: Return-Path, Delivered-To (one per recipient), then the folded Received header.
        // An Authentication-Results field, when verification is on, comes before the Received header.
        var offset = 0;
        var inReceived = false;
        while (true)
        {
            var end = IndexOfLineEnd(bytes, offset);
            var nextIsContinuation = end + 2 < bytes.Length && bytes[end + 2] == '\t';
            var line = System.Text.Encoding.UTF8.GetString(bytes, offset, end - offset);
            offset = end + 2;
            inReceived |= line.StartsWith("Received:", StringComparison.Ordinal);
            if (inReceived && !nextIsContinuation)
            {
                break;
            }
        }

        return new MaildirFile(System.Text.Encoding.UTF8.GetString(bytes, 0, offset), bytes[offset..]);
    }

    private static int IndexOfLineEnd(byte[] bytes, int from)
    {
        for (var i = from; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
            {
                return i;
            }
        }

        throw new InvalidDataException("no CRLF");
    }
}
