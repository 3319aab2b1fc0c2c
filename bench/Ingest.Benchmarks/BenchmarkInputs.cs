using System.Globalization;
using System.Text;

namespace Ingest.Benchmarks;

/// <summary>
/// Every canned input the benchmarks use, in one place, so the numbers in docs/benchmarks.md can
/// be traced to the exact bytes measured. Built once per process, outside the measured code.
/// </summary>
internal static class BenchmarkInputs
{
    public const string HostName = "bench.ingest.example";

    // Command lines as a client sends them, CRLF included.
    public static readonly byte[] Ehlo = "EHLO client.example.com\r\n"u8.ToArray();
    public static readonly byte[] MailWithParameters = "MAIL FROM:<sender@example.com> SIZE=1048576 BODY=8BITMIME\r\n"u8.ToArray();
    public static readonly byte[] Rcpt = "RCPT TO:<recipient@example.net>\r\n"u8.ToArray();
    public static readonly byte[] Data = "DATA\r\n"u8.ToArray();
    public static readonly byte[] Noop = "NOOP\r\n"u8.ToArray();
    public static readonly byte[] BdatLast = "BDAT 65536 LAST\r\n"u8.ToArray();
    public static readonly byte[] Quit = "QUIT\r\n"u8.ToArray();

    // Paths as they follow "MAIL FROM:" (RFC 5321 4.1.2), one per shape the parser treats differently.
    public static readonly byte[] TypicalPath = "<alice.smith@mail.example.com>"u8.ToArray();
    public static readonly byte[] QuotedPath = "<\"alice \\\"the admin\\\" smith\"@example.com>"u8.ToArray();
    public static readonly byte[] Ipv6LiteralPath = "<postmaster@[IPv6:2001:db8:85a3::8a2e:370:7334]>"u8.ToArray();
    public static readonly byte[] Utf8Path = "<δοκιμή@παράδειγμα.δοκιμή>"u8.ToArray();

    private static readonly byte[] Headers = Encoding.ASCII.GetBytes(
        "From: Sender <sender@example.com>\r\n" +
        "To: Recipient <recipient@example.net>\r\n" +
        "Subject: Ingest benchmark message\r\n" +
        "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n" +
        "Message-ID: <benchmark@example.com>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "\r\n");

    private static readonly byte[] Text = "The quick brown fox jumps over the lazy dog. 0123456789 Pack my box with five dozen liquor jugs. "u8.ToArray();

    /// <summary>
    /// A message of exactly <paramref name="size"/> octets: headers, then lines of up to 76
    /// characters, ending with CRLF. With <paramref name="dotLines"/> every 16th line starts with
    /// '.', so DATA has to stuff and unstuff it (RFC 5321 4.5.2).
    /// </summary>
    public static byte[] Message(int size, bool dotLines)
    {
        if (size < Headers.Length + 2)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Too small for the canned headers.");
        }

        var message = new byte[size];
        Headers.CopyTo(message, 0);
        var at = Headers.Length;
        for (var line = 0; at < size; line++)
        {
            var remaining = size - at;
            var length = Math.Min(76, remaining - 2);
            if (remaining - (length + 2) == 1)
            {
                // Leave room for one more (empty) line rather than a lone byte.
                length--;
            }

            for (var i = 0; i < length; i++)
            {
                message[at + i] = Text[(line * 7 + i) % Text.Length];
            }

            if (dotLines && length > 0 && line % 16 == 0)
            {
                message[at] = (byte)'.';
            }

            at += length;
            message[at++] = (byte)'\r';
            message[at++] = (byte)'\n';
        }

        return message;
    }

    /// <summary>The message as DATA carries it: dot-stuffed, then "." CRLF (RFC 5321 4.1.1.4).</summary>
    public static byte[] DataWire(byte[] message)
    {
        using var wire = new MemoryStream(message.Length + message.Length / 64 + 3);
        var lineStart = true;
        foreach (var b in message)
        {
            if (lineStart && b == (byte)'.')
            {
                wire.WriteByte((byte)'.');
            }

            wire.WriteByte(b);
            lineStart = b == (byte)'\n';
        }

        wire.Write(".\r\n"u8);
        return wire.ToArray();
    }

    public static byte[] MailFrom(int size) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"MAIL FROM:<sender@example.com> SIZE={size} BODY=8BITMIME\r\n"));

    /// <summary>
    /// One message per DATA as a pipelining client sends it. The replies expected: MAIL, RCPT,
    /// 354 and the final 250.
    /// </summary>
    public static byte[][] DataMessageSteps(byte[] message) =>
        [MailFrom(message.Length), Rcpt, Data, DataWire(message)];

    /// <summary>
    /// One message sent in BDAT chunks of <paramref name="chunkSize"/> octets, the last one with
    /// LAST (RFC 3030 2); each BDAT command and its octets form one step with one reply.
    /// </summary>
    public static byte[][] BdatMessageSteps(byte[] message, int chunkSize)
    {
        var steps = new List<byte[]> { MailFrom(message.Length), Rcpt };
        for (var offset = 0; offset < message.Length; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, message.Length - offset);
            var last = offset + length == message.Length;
            var command = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"BDAT {length}{(last ? " LAST" : "")}\r\n"));
            steps.Add([.. command, .. message.AsSpan(offset, length)]);
        }

        return [.. steps];
    }

    /// <summary>A whole session: EHLO, the messages' steps repeated, QUIT. One reply per step.</summary>
    public static byte[][] Session(byte[][] messageSteps, int messages)
    {
        var steps = new List<byte[]>(2 + messageSteps.Length * messages) { Ehlo };
        for (var i = 0; i < messages; i++)
        {
            steps.AddRange(messageSteps);
        }

        steps.Add(Quit);
        return [.. steps];
    }

    /// <summary>The steps of a session concatenated: what a client that pipelines everything writes.</summary>
    public static byte[] Concatenate(byte[][] steps)
    {
        var all = new byte[steps.Sum(step => step.Length)];
        var at = 0;
        foreach (var step in steps)
        {
            step.CopyTo(all, at);
            at += step.Length;
        }

        return all;
    }
}
