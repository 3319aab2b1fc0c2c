using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ingest.LoadTest;

/// <summary>
/// Makes messages: generated ones of the drawn size, or the loaded .eml files in turn. Each gets a
/// unique id header as its first line, and the SHA-256 of its whole content is recorded, so the
/// Maildir verifier can hash the same bytes from that line onwards.
/// </summary>
internal sealed class MessageFactory
{
    public const string IdHeaderName = "X-Ingest-Loadtest-Id";

    // Fixed-length headers, so a generated message's size is exactly the size drawn.
    private const string DateFormat = "ddd, dd MMM yyyy HH:mm:ss '+0000'";

    private static readonly byte[] BodyText =
        "The quick brown fox jumps over the lazy dog. 0123456789 Pack my box with five dozen liquor jugs. "u8.ToArray();

    private readonly SizeDistribution _sizes;
    private readonly IReadOnlyList<byte[]>? _emlMessages;
    private readonly ConcurrentDictionary<int, byte[]> _bodies = new();
    private int _nextEml = -1;

    public MessageFactory(SizeDistribution sizes, IReadOnlyList<byte[]>? emlMessages)
    {
        _sizes = sizes;
        _emlMessages = emlMessages;
    }

    public OutgoingMessage Next(Random random)
    {
        var id = Guid.NewGuid();
        byte[] content;
        if (_emlMessages is { } eml)
        {
            var original = eml[(int)((uint)Interlocked.Increment(ref _nextEml) % (uint)eml.Count)];
            var idLine = Encoding.ASCII.GetBytes(IdLine(id));
            content = [.. idLine, .. original];
        }
        else
        {
            var headers = Headers(id, DateTimeOffset.UtcNow);
            var body = _bodies.GetOrAdd(Math.Max(2, _sizes.Sample(random) - headers.Length), Body);
            content = [.. headers, .. body];
        }

        return new OutgoingMessage(id, content, SHA256.HashData(content), content.AsSpan().ContainsAnyInRange((byte)0x80, (byte)0xFF));
    }

    private static string IdLine(Guid id) => $"{IdHeaderName}: {id:D}\r\n";

    private static byte[] Headers(Guid id, DateTimeOffset date) => Encoding.ASCII.GetBytes(
        IdLine(id) +
        "From: Ingest load test <loadtest@loadtest.example>\r\n" +
        "To: <sink@ingest.example>\r\n" +
        "Subject: Ingest load test message\r\n" +
        "Date: " + date.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture) + "\r\n" +
        $"Message-ID: <{id:N}@loadtest.example>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "\r\n");

    /// <summary>
    /// Text lines of up to 76 characters, exactly <paramref name="length"/> octets ending in CRLF.
    /// Every 16th line starts with '.', and every 128th is a lone '.', so DATA must stuff them
    /// (RFC 5321 4.5.2) and the gateway must unstuff them for the hashes to match.
    /// </summary>
    private static byte[] Body(int length)
    {
        var body = new byte[length];
        var at = 0;
        for (var line = 0; at < length; line++)
        {
            var remaining = length - at;
            var lineLength = line % 128 == 127 ? 1 : Math.Min(76, remaining - 2);
            lineLength = Math.Min(lineLength, remaining - 2);
            if (remaining - (lineLength + 2) == 1)
            {
                lineLength--;
            }

            for (var i = 0; i < lineLength; i++)
            {
                body[at + i] = BodyText[(line * 7 + i) % BodyText.Length];
            }

            if (lineLength > 0 && line % 16 == 15)
            {
                body[at] = (byte)'.';
            }

            at += lineLength;
            body[at++] = (byte)'\r';
            body[at++] = (byte)'\n';
        }

        return body;
    }
}
