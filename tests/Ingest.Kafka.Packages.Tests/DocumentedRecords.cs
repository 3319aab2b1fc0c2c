using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;

namespace Ingest.Kafka.Packages.Tests;

/// <summary>
/// Records written from docs/record-format.md alone, header names spelt out as the document spells
/// them (not the library's constants): what the packaged reader reads must be what the format says.
/// </summary>
internal static class DocumentedRecords
{
    public static Message<byte[], byte[]> Whole(string id, byte[] value) =>
        Record(id, "whole", null, value, [.. Envelope(), ("ingest-chunks", "1"), ("ingest-length", Number(value.Length)), ("ingest-sha256", Sha256(value))]);

    /// <summary>chunk 0 (with the envelope), more chunks, then the final record with count, length and hash.</summary>
    public static List<Message<byte[], byte[]>> Chunked(string id, byte[] value, int chunkSize)
    {
        var parts = value.Chunk(chunkSize).ToList();
        var records = new List<Message<byte[], byte[]>>();
        for (var i = 0; i < parts.Count - 1; i++)
        {
            records.Add(Record(id, "chunk", i, parts[i], i == 0 ? Envelope() : []));
        }

        records.Add(Record(id, "final", parts.Count - 1, parts[^1], [("ingest-chunks", Number(parts.Count)), ("ingest-length", Number(value.Length)), ("ingest-sha256", Sha256(value))]));
        return records;
    }

    public static Message<byte[], byte[]> Abort(string id, int sequence) => Record(id, "abort", sequence, [], []);

    public static Message<byte[], byte[]> Record(string id, string kind, int? sequence, byte[] value, (string Name, string Value)[] extra)
    {
        var headers = new Headers
        {
            { "ingest-version", "1"u8.ToArray() },
            { "ingest-kind", Encoding.ASCII.GetBytes(kind) },
            { "ingest-id", Encoding.ASCII.GetBytes(id) },
        };
        if (sequence is { } seq)
        {
            headers.Add("ingest-seq", Encoding.ASCII.GetBytes(Number(seq)));
        }

        foreach (var (name, text) in extra)
        {
            headers.Add(name, Encoding.UTF8.GetBytes(text));
        }

        return new Message<byte[], byte[]> { Key = Encoding.ASCII.GetBytes(id), Value = value, Headers = headers };
    }

    public static (string, string)[] Envelope() =>
    [
        ("ingest-from", "bob@example.org"),
        ("ingest-rcpt", "alice@example.com"),
        ("ingest-rcpt", "carol@example.com"),
        ("ingest-helo", "client.test"),
        ("ingest-client-ip", "192.0.2.1"),
        ("ingest-client-port", "50123"),
        ("ingest-received-at", "2026-11-28T16:00:34.1234567+00:00"),
        ("ingest-gateway", "gw-1"),
        ("ingest-protocol", "ESMTPS"),
        ("ingest-tls", "TLSv1.3 TLS_AES_256_GCM_SHA384"),
    ];

    public static byte[] Value(int length, int seed)
    {
        var value = new byte[length];
        new Random(seed).NextBytes(value);
        return value;
    }

    public static string Id() => Guid.CreateVersion7().ToString("N");

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Sha256(byte[] value) => Convert.ToHexStringLower(SHA256.HashData(value));
}
