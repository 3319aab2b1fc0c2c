using System.Text;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Tests;

/// <summary>
/// Builds records as the sink writes them (docs/record-format.md, version 2), for Reassembler tests
/// without a broker. The packed field header is written by hand here, not with the library's own
/// writer, so these tests check the reader against the documented format.
/// </summary>
internal static class Records
{
    private static long _offset;

    public static ConsumedRecord Whole(string id, byte[] value, string topic = "t", string? hash = null) =>
        Record(topic, id, "whole", null, value, [.. Envelope(), ("chunks", "1"), ("length", value.Length.ToString()), ("xxh128", hash ?? Hash(value))]);

    /// <summary>The records of one chunked message: chunk 0 with the envelope, more chunks, a final one.</summary>
    public static List<ConsumedRecord> Chunked(string id, byte[] value, int chunkSize, string topic = "t")
    {
        var parts = value.Chunk(chunkSize).ToList();
        var records = new List<ConsumedRecord>();
        for (var i = 0; i < parts.Count - 1; i++)
        {
            records.Add(Record(topic, id, "chunk", i, parts[i], i == 0 ? Envelope() : []));
        }

        records.Add(Record(topic, id, "final", parts.Count - 1, parts[^1], [("chunks", parts.Count.ToString()), ("length", value.Length.ToString()), ("xxh128", Hash(value))]));
        return records;
    }

    public static ConsumedRecord Abort(string id, int sequence, string topic = "t") => Record(topic, id, "abort", sequence, [], []);

    /// <summary>A record with the given fields, escaped as the format says (%, CR and LF as %XX).</summary>
    public static ConsumedRecord Record(string topic, string id, string kind, int? sequence, byte[] value, (string Name, string Value)[] extra, string version = "2")
    {
        var fields = new List<string> { "kind=" + kind };
        if (sequence is { } seq)
        {
            fields.Add("seq=" + seq);
        }

        fields.AddRange(extra.Select(field => field.Name + "=" + field.Value.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A")));
        var headers = new List<KeyValuePair<string, byte[]>>
        {
            new("ingest-version", Encoding.ASCII.GetBytes(version)),
            new("ingest-record", Encoding.UTF8.GetBytes(string.Join("\n", fields))),
        };
        return new ConsumedRecord { Topic = topic, Partition = 0, Offset = _offset++, Key = Encoding.ASCII.GetBytes(id), Value = value, Headers = headers };
    }

    public static (string, string)[] Envelope() =>
    [
        ("from", "bob@example.org"),
        ("rcpt", "alice@example.com"),
        ("rcpt", "carol@example.com"),
        ("helo", "client.test"),
        ("client-ip", "192.0.2.1"),
        ("client-port", "50123"),
        ("received-at", "2026-11-28T16:00:34.0000000+00:00"),
        ("gateway", "gw-1"),
        ("protocol", "ESMTP"),
    ];

    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>XXH3-128 in canonical form, computed here with System.IO.Hashing directly.</summary>
    public static string Hash(byte[] value) => Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(value));
}
