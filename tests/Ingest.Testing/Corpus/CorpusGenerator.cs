using System.Text;
using MimeKit;

namespace Ingest.Testing;

/// <summary>
/// The repository's own test corpus, built with MimeKit: a fixed, varied set of messages covering
/// what a gateway must carry byte for byte (tests/corpus holds the files it writes; a test checks
/// that they still match). Deterministic: fixed dates, message ids, boundaries and attachment
/// octets, so the same code writes the same bytes on every machine.
/// </summary>
public static class CorpusGenerator
{
    private static readonly DateTimeOffset Date = new(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(1));

    public static IReadOnlyList<CorpusMessage> Messages() =>
    [
        Write("01-plain-7bit.eml", Plain()),
        Write("02-multipart-alternative-quoted-printable.eml", Alternative()),
        Write("03-multipart-mixed-base64-attachments.eml", MixedWithBase64()),
        Write("04-quoted-printable-attachment.eml", QuotedPrintableAttachment()),
        Write("05-8bit-utf8-body.eml", EightBitBody()),
        Write("06-rfc2047-encoded-headers.eml", EncodedWordHeaders()),
        Write("07-smtputf8-addresses-raw-utf8-headers.eml", SmtpUtf8(), international: true),
        Write("08-lines-of-998-octets.eml", LongLines()),
        Write("09-lines-starting-with-dots.eml", LeadingDots()),
        Write("10-nested-message-rfc822.eml", Nested()),
        EndAfterHeaders(Write("11-empty-body.eml", EmptyBody())),
        WithoutFinalLineBreak(Write("12-no-final-crlf.eml", NoFinalLineBreak())),
        Write("13-multipart-related-inline-image.eml", RelatedInlineImage()),
    ];

    private static CorpusMessage Write(string name, MimeMessage message, bool international = false) => new(name, MailKitSend.Wire(message, international));

    private static CorpusMessage WithoutFinalLineBreak(CorpusMessage message)
    {
        var bytes = message.Bytes.AsSpan();
        while (bytes is [.., (byte)'\r' or (byte)'\n'])
        {
            bytes = bytes[..^1];
        }

        return message with { Bytes = bytes.ToArray() };
    }

    private static CorpusMessage EndAfterHeaders(CorpusMessage message)
    {
        // MimeKit writes a line break for an empty part; an empty body ends at the blank line.
        var end = message.Bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        return message with { Bytes = message.Bytes[..end] };
    }

    private static MimeMessage Headers(int number, string subject, string from = "Alice Example <alice@example.org>", string to = "Bob Example <bob@example.com>")
    {
        var message = new MimeMessage
        {
            Date = Date.AddMinutes(number),
            MessageId = $"corpus-{number:D2}@ingest.test",
            Subject = subject,
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        return message;
    }

    private static TextPart Text(string text, string subtype = "plain", ContentEncoding encoding = ContentEncoding.SevenBit, string charset = "us-ascii")
    {
        var part = new TextPart(subtype) { ContentTransferEncoding = encoding };
        part.SetText(charset, text);
        return part;
    }

    private static MimePart Attachment(string mediaType, string fileName, byte[] content, ContentEncoding encoding, string? contentId = null)
    {
        var type = mediaType.Split('/');
        var part = new MimePart(type[0], type[1])
        {
            Content = new MimeContent(new MemoryStream(content)),
            ContentDisposition = new ContentDisposition(contentId is null ? ContentDisposition.Attachment : ContentDisposition.Inline) { FileName = fileName },
            ContentTransferEncoding = encoding,
        };
        if (contentId is not null)
        {
            part.ContentId = contentId;
        }

        return part;
    }

    private static T Bounded<T>(T multipart, string boundary)
        where T : Multipart
    {
        multipart.Boundary = boundary;
        return multipart;
    }

    private static MimeMessage Plain()
    {
        var message = Headers(1, "A plain 7bit message");
        message.Body = Text("Hello Bob,\r\n\r\nA short message in plain 7bit text.\r\n\tIndented with a tab, and trailing spaces here:   \r\n\r\n-- \r\nAlice\r\n");
        return message;
    }

    private static MimeMessage Alternative()
    {
        var message = Headers(2, "multipart/alternative, quoted-printable");
        var plain = "Plain version: caf\u00e9, na\u00efve, 1 + 1 = 2.\r\n" + string.Concat(Enumerable.Repeat("a long line that quoted-printable must break softly ", 4)) + "\r\n";
        var html = "<html><body><p style=\"color: #333\">HTML version: caf\u00e9, na\u00efve, 1 + 1 = 2.</p>\r\n<p>" +
            string.Concat(Enumerable.Repeat("a long paragraph that goes past seventy-six columns ", 3)) + "</p></body></html>\r\n";
        message.Body = Bounded(
            new MultipartAlternative
            {
                Text(plain, encoding: ContentEncoding.QuotedPrintable, charset: "utf-8"),
                Text(html, "html", ContentEncoding.QuotedPrintable, "utf-8"),
            },
            "=_corpus-02-alternative");
        return message;
    }

    private static MimeMessage MixedWithBase64()
    {
        var message = Headers(3, "multipart/mixed with base64 attachments");
        message.Body = Bounded(
            new Multipart("mixed")
            {
                Text("Two attachments follow: a binary file and a small image.\r\n"),
                Attachment("application/octet-stream", "data.bin", DeterministicBytes.Make(5000, 3), ContentEncoding.Base64),
                Attachment("image/png", "pixel.png", DeterministicBytes.Make(700, 33), ContentEncoding.Base64),
            },
            "=_corpus-03-mixed");
        return message;
    }

    private static MimeMessage QuotedPrintableAttachment()
    {
        var message = Headers(4, "a quoted-printable attachment");
        var csv = new StringBuilder("name;city;note\r\n");
        for (var row = 0; row < 40; row++)
        {
            csv.Append(CultureInvariant($"Ren\u00e9e {row};K\u00f6ln;a=b tab\there, trailing space \r\n"));
        }

        message.Body = Bounded(
            new Multipart("mixed")
            {
                Text("The table is attached.\r\n"),
                Attachment("text/csv", "table.csv", Encoding.UTF8.GetBytes(csv.ToString()), ContentEncoding.QuotedPrintable),
            },
            "=_corpus-04-mixed");
        return message;
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static MimeMessage EightBitBody()
    {
        var message = Headers(5, "an 8bit UTF-8 body");
        message.Body = Text(
            "Gr\u00fc\u00dfe aus K\u00f6ln.\r\n\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3002\r\n\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435.\r\n\ud83d\udce8 an emoji outside the BMP.\r\n",
            encoding: ContentEncoding.EightBit,
            charset: "utf-8");
        return message;
    }

    private static MimeMessage EncodedWordHeaders()
    {
        var message = Headers(
            6,
            "Gr\u00fc\u00dfe aus K\u00f6ln \u2013 \u65e5\u672c\u8a9e \u2013 a subject long enough to be folded over more than one header line",
            from: "Jos\u00e9 M\u00fcller <jose@example.org>",
            to: "Bj\u00f6rk Gu\u00f0mundsd\u00f3ttir <bjork@example.com>");
        message.Body = Text("The headers carry RFC 2047 encoded words; the body is ASCII.\r\n");
        return message;
    }

    private static MimeMessage SmtpUtf8()
    {
        var message = Headers(
            7,
            "Raw UTF-8 headers: \u00c4rger, \u65e5\u672c\u8a9e, \u0639\u0631\u0628\u064a",
            from: "\u7528\u6237 <\u7528\u6237@\u4f8b\u5b50.\u5e7f\u544a>",
            to: "D\u00f6rte <d\u00f6rte@b\u00fccher.example>");
        message.Body = Text("An SMTPUTF8 message (RFC 6531, RFC 6532): UTF-8 addresses and headers, unencoded.\r\n\u00dcberall UTF-8.\r\n", encoding: ContentEncoding.EightBit, charset: "utf-8");
        return message;
    }

    private static MimeMessage LongLines()
    {
        var message = Headers(8, "lines of exactly 998 octets");
        // RFC 5321 4.5.3.1.6 and RFC 5322 2.1.1: 998 octets plus CRLF is the longest line allowed;
        // a leading dot, stuffed on the wire, does not count against it.
        message.Body = Text(
            "The next lines are 998 octets long, not counting CRLF.\r\n" +
            new string('x', 998) + "\r\n" +
            "." + new string('y', 997) + "\r\n" +
            string.Concat(Enumerable.Range(0, 998).Select(i => (char)('!' + (i % 94)))) + "\r\n" +
            "And a short line to end.\r\n");
        return message;
    }

    private static MimeMessage LeadingDots()
    {
        var message = Headers(9, "lines starting with dots");
        // RFC 5321 4.5.2: the client doubles each leading dot on the wire, the server removes one.
        message.Body = Text("Lines that start with dots:\r\n.\r\n..\r\n...\r\n.hidden\r\n. a dot and a space\r\n\r\n.\r\n");
        return message;
    }

    private static MimeMessage Nested()
    {
        var innermost = Headers(21, "the innermost message", from: "Carol <carol@example.net>");
        innermost.Body = Text("The innermost message.\r\n.A line with a dot at the start.\r\n");

        var inner = Headers(20, "a forwarded message", from: "Dave <dave@example.net>");
        inner.Body = Bounded(
            new Multipart("mixed")
            {
                Bounded(
                    new MultipartAlternative
                    {
                        Text("The forwarded message, plain.\r\n"),
                        Text("<p>The forwarded message, <b>HTML</b>.</p>\r\n", "html"),
                    },
                    "=_corpus-10-inner-alternative"),
                new MessagePart { Message = innermost },
            },
            "=_corpus-10-inner-mixed");

        var message = Headers(10, "Fwd: a forwarded message");
        message.Body = Bounded(
            new Multipart("mixed")
            {
                Text("Forwarding this, with the message it forwarded.\r\n"),
                new MessagePart { Message = inner },
            },
            "=_corpus-10-outer");
        return message;
    }

    private static MimeMessage EmptyBody()
    {
        var message = Headers(11, "an empty body");
        message.Body = Text("");
        return message;
    }

    private static MimeMessage NoFinalLineBreak()
    {
        var message = Headers(12, "no line break at the end");
        // Sent with DATA, the client must add CRLF before the terminator (RFC 5321 4.1.1.4); with BDAT it goes as is.
        message.Body = Text("The last line of this message has no CRLF after it.\r\nThis one");
        return message;
    }

    private static MimeMessage RelatedInlineImage()
    {
        var message = Headers(13, "multipart/related with an inline image");
        message.Body = Bounded(
            new Multipart("related")
            {
                Text("<html><body><p>An inline image:</p><img src=\"cid:logo@ingest.test\"></body></html>\r\n", "html"),
                Attachment("image/gif", "logo.gif", DeterministicBytes.Make(300, 13), ContentEncoding.Base64, contentId: "logo@ingest.test"),
            },
            "=_corpus-13-related");
        return message;
    }
}
