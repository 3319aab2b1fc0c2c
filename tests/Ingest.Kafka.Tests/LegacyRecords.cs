using System.Security.Cryptography;
using System.Text;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Tests;

/// <summary>Builds records of format version 1 (one header per field, SHA-256), which the Reassembler still reads.</summary>
internal static class LegacyRecords
{
    private static long _offset = 1_000_000;

    public static ConsumedRecord Whole(string id, byte[] value, string topic = "t", string? sha = null) =>
        Record(topic, id, "whole", null, value, [.. Envelope(), ("ingest-chunks", "1"), ("ingest-length", value.Length.ToString()), ("ingest-sha256", sha ?? RecordHash.Sha256Hex(value))]);

    /// <summary>The records of one chunked message: chunk 0 with the envelope, more chunks, a final one.</summary>
    public static List<ConsumedRecord> Chunked(string id, byte[] value, int chunkSize, string topic = "t")
    {
        var parts = value.Chunk(chunkSize).ToList();
        var records = new List<ConsumedRecord>();
        for (var i = 0; i < parts.Count - 1; i++)
        {
            records.Add(Record(topic, id, "chunk", i, parts[i], i == 0 ? Envelope() : []));
        }

        records.Add(Record(topic, id, "final", parts.Count - 1, parts[^1], [("ingest-chunks", parts.Count.ToString()), ("ingest-length", value.Length.ToString()), ("ingest-sha256", RecordHash.Sha256Hex(value))]));
        return records;
    }

    public static ConsumedRecord Abort(string id, int sequence, string topic = "t") => Record(topic, id, "abort", sequence, [], []);

    public static ConsumedRecord Record(string topic, string id, string kind, int? sequence, byte[] value, (string Name, string Value)[] extra, string version = "1")
    {
        var headers = new List<KeyValuePair<string, byte[]>>
        {
            new("ingest-version", Encoding.ASCII.GetBytes(version)),
            new("ingest-kind", Encoding.ASCII.GetBytes(kind)),
            new("ingest-id", Encoding.ASCII.GetBytes(id)),
        };
        if (sequence is { } seq)
        {
            headers.Add(new("ingest-seq", Encoding.ASCII.GetBytes(seq.ToString())));
        }

        headers.AddRange(extra.Select(header => KeyValuePair.Create(header.Name, Encoding.UTF8.GetBytes(header.Value))));
        return new ConsumedRecord { Topic = topic, Partition = 0, Offset = _offset++, Key = Encoding.ASCII.GetBytes(id), Value = value, Headers = headers };
    }

    public static (string, string)[] Envelope() =>
    [
        ("ingest-from", "bob@example.org"),
        ("ingest-rcpt", "alice@example.com"),
        ("ingest-rcpt", "carol@example.com"),
        ("ingest-helo", "client.test"),
        ("ingest-client-ip", "192.0.2.1"),
        ("ingest-client-port", "50123"),
        ("ingest-received-at", "2026-11-28T16:00:34.0000000+00:00"),
        ("ingest-gateway", "gw-1"),
        ("ingest-protocol", "ESMTP"),
    ];

    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha(byte[] value) => Convert.ToHexStringLower(SHA256.HashData(value));
}
