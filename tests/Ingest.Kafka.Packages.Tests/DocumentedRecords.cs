using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;

namespace Ingest.Kafka.Packages.Tests;

/// <summary>
/// Records written from docs/record-format.md alone: the two headers of version 2, the packed
/// "name=value" fields escaped as the document says, the XXH3-128 closing hash; and version 1's
/// header per field, still read. Names are spelt out as the document spells them, not taken from the
/// library's constants: what the packaged reader reads must be what the format says.
/// </summary>
internal static class DocumentedRecords
{
    public static Message<byte[], byte[]> Whole(string id, byte[] value) =>
        Record(id, "whole", null, value, [.. Envelope(), ("chunks", "1"), ("length", Number(value.Length)), ("xxh128", Xxh128(value))]);

    /// <summary>chunk 0 (with the envelope), more chunks, then the final record with count, length and hash.</summary>
    public static List<Message<byte[], byte[]>> Chunked(string id, byte[] value, int chunkSize)
    {
        var parts = value.Chunk(chunkSize).ToList();
        var records = new List<Message<byte[], byte[]>>();
        for (var i = 0; i < parts.Count - 1; i++)
        {
            records.Add(Record(id, "chunk", i, parts[i], i == 0 ? Envelope() : []));
        }

        records.Add(Record(id, "final", parts.Count - 1, parts[^1], [("chunks", Number(parts.Count)), ("length", Number(value.Length)), ("xxh128", Xxh128(value))]));
        return records;
    }

    public static Message<byte[], byte[]> Abort(string id, int sequence) => Record(id, "abort", sequence, [], []);

    /// <summary>Version 2: "ingest-version: 2" and "ingest-record": LF-separated fields, '%', CR and LF as %XX in values.</summary>
    public static Message<byte[], byte[]> Record(string id, string kind, int? sequence, byte[] value, (string Name, string Value)[] extra)
    {
        var fields = new List<string> { "kind=" + kind };
        if (sequence is { } seq)
        {
            fields.Add("seq=" + Number(seq));
        }

        fields.AddRange(extra.Select(field => field.Name + "=" + field.Value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A")));
        return new Message<byte[], byte[]>
        {
            // In version 2 the key is the only place the message id is written.
            Key = Encoding.ASCII.GetBytes(id),
            Value = value,
            Headers = new Headers { { "ingest-version", "2"u8.ToArray() }, { "ingest-record", Encoding.UTF8.GetBytes(string.Join("\n", fields)) } },
        };
    }

    /// <summary>A whole record of version 1, as gateways before it wrote them: a header per field, SHA-256.</summary>
    public static Message<byte[], byte[]> LegacyWhole(string id, byte[] value)
    {
        var headers = new Headers
        {
            { "ingest-version", "1"u8.ToArray() },
            { "ingest-kind", "whole"u8.ToArray() },
            { "ingest-id", Encoding.ASCII.GetBytes(id) },
        };
        foreach (var (name, text) in Envelope().Where(field => field.Name != "auth"))
        {
            headers.Add("ingest-" + name, Encoding.UTF8.GetBytes(text));
        }

        headers.Add("ingest-chunks", "1"u8.ToArray());
        headers.Add("ingest-length", Encoding.ASCII.GetBytes(Number(value.Length)));
        headers.Add("ingest-sha256", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(value))));
        return new Message<byte[], byte[]> { Key = Encoding.ASCII.GetBytes(id), Value = value, Headers = headers };
    }

    public static (string Name, string Value)[] Envelope() =>
    [
        ("from", "bob@example.org"),
        ("rcpt", "alice@example.com"),
        ("rcpt", "carol@example.com"),
        ("helo", "client.test"),
        ("client-ip", "192.0.2.1"),
        ("client-port", "50123"),
        ("received-at", "2026-11-28T16:00:34.1234567+00:00"),
        ("gateway", "gw-1"),
        ("protocol", "ESMTPSA"),
        ("tls", "TLSv1.3 TLS_AES_256_GCM_SHA384"),
        // A value with the characters the format escapes.
        ("auth", "50%\nof\rit"),
    ];

    public static byte[] Value(int length, int seed)
    {
        var value = new byte[length];
        new Random(seed).NextBytes(value);
        return value;
    }

    public static string Id() => Guid.CreateVersion7().ToString("N");

    /// <summary>XXH3-128 in its canonical big-endian form, as xxhsum -H2 prints it.</summary>
    private static string Xxh128(byte[] value) => Convert.ToHexStringLower(XxHash128.Hash(value));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
