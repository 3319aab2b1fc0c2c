namespace Ingest.LoadTest;

/// <summary>DATA framing on the client side (RFC 5321 4.5.2 and 4.1.1.4).</summary>
internal static class DotStuffer
{
    /// <summary>
    /// The message as DATA carries it: every line that starts with '.' gets one more, then "." CRLF
    /// ends the data. <paramref name="message"/> must end with CRLF, which the terminator completes.
    /// </summary>
    public static byte[] ToDataWire(ReadOnlySpan<byte> message)
    {
        var dots = 0;
        for (var at = 0; at < message.Length;)
        {
            if (message[at] == (byte)'.')
            {
                dots++;
            }

            var newline = message[at..].IndexOf((byte)'\n');
            at = newline < 0 ? message.Length : at + newline + 1;
        }

        var wire = new byte[message.Length + dots + 3];
        var w = 0;
        for (var at = 0; at < message.Length;)
        {
            if (message[at] == (byte)'.')
            {
                wire[w++] = (byte)'.';
            }

            var newline = message[at..].IndexOf((byte)'\n');
            var end = newline < 0 ? message.Length : at + newline + 1;
            message[at..end].CopyTo(wire.AsSpan(w));
            w += end - at;
            at = end;
        }

        ".\r\n"u8.CopyTo(wire.AsSpan(w));
        return wire;
    }

    /// <summary>
    /// Line endings as SMTP requires them (RFC 5321 2.3.8): every bare LF and bare CR becomes
    /// CRLF, and the message ends with CRLF, so what is sent is exactly what a mailbox stores.
    /// </summary>
    public static byte[] NormalizeLineEndings(ReadOnlySpan<byte> raw)
    {
        using var output = new MemoryStream(raw.Length + raw.Length / 32 + 2);
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == (byte)'\r')
            {
                output.Write("\r\n"u8);
                if (i + 1 < raw.Length && raw[i + 1] == (byte)'\n')
                {
                    i++;
                }
            }
            else if (b == (byte)'\n')
            {
                output.Write("\r\n"u8);
            }
            else
            {
                output.WriteByte(b);
            }
        }

        var length = output.Length;
        if (length < 2 || output.GetBuffer()[length - 1] != (byte)'\n')
        {
            output.Write("\r\n"u8);
        }

        return output.ToArray();
    }
}
