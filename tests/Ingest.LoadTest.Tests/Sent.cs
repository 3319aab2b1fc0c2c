using System.Security.Cryptography;
using System.Text;
using Ingest.LoadTest;

namespace Ingest.LoadTest.Tests;

/// <summary>Ledger entries and Kafka copies made by hand, the way the runner and the topic scan make them.</summary>
internal static class Sent
{
    public const string Trace = "Received: from loadtest.example (127.0.0.1)\r\n\tby gw.test with ESMTP id 0190abcd; Mon, 7 Dec 2026 03:00:00 +0000\r\n";

    public static (SentRecord Record, byte[] Content) Message(int bodyLines = 20)
    {
        var id = Guid.NewGuid();
        var body = string.Concat(Enumerable.Range(0, bodyLines).Select(line => $"line {line} of the body\r\n"));
        var content = Encoding.ASCII.GetBytes($"{MessageFactory.IdHeaderName}: {id:D}\r\nSubject: test\r\n\r\n{body}");
        return (new SentRecord(id, SHA256.HashData(content), content.Length), content);
    }

    public static SendAttempt Attempt(SentRecord record, int port, AttemptEnd end, int code = 0, string? queuedId = null, long endedUnixMs = 1_000)
    {
        var attempt = record.StartAttempt(port, endedUnixMs - 10);
        attempt.End = end;
        attempt.Code = code;
        attempt.QueuedId = queuedId;
        attempt.EndedUnixMs = endedUnixMs;
        record.Code = code;
        return attempt;
    }

    public static FoundCopy Copy(byte[] content, string gatewayId, int? port, string prefix = Trace, long receivedAtUnixMs = 0) =>
        FoundCopy.FromValue([.. Encoding.ASCII.GetBytes(prefix), .. content], gatewayId, port, "gw-1", 0, 0, receivedAtUnixMs);

    public static KafkaReadCounters NoCounters => new(0, 0, 0, 0, 0, 0, 0, 0);
}
