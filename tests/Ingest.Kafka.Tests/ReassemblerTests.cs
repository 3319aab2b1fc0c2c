using Ingest.Kafka.Records;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Kafka.Tests;

/// <summary>The consumer side, record by record, with no broker: what completes, what is dropped, and why.</summary>
[Trait("Broker", "none")]
public sealed class ReassemblerTests
{
    [Fact]
    public void WholeRecordCompletesWithItsEnvelope()
    {
        using var reassembler = new Reassembler();
        var value = Records.Bytes(1000);
        Assert.Equal(ReassemblyOutcome.Completed, reassembler.Add(Records.Whole("m1", value), out var message));
        Assert.Equal(value, message!.Value);
        Assert.Equal("m1", message.Envelope.MessageId);
        Assert.Equal("bob@example.org", message.Envelope.ReversePath);
        Assert.Equal(["alice@example.com", "carol@example.com"], message.Envelope.Recipients);
        Assert.Equal("192.0.2.1", message.Envelope.ClientAddress!.ToString());
        Assert.Equal(50123, message.Envelope.ClientPort);
        Assert.Equal("gw-1", message.Envelope.Gateway);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 16, 0, 34, TimeSpan.Zero), message.Envelope.ReceivedAt);
    }

    [Fact]
    public void ChunksCompleteOnlyWithTheFinalRecord()
    {
        using var reassembler = new Reassembler();
        var value = Records.Bytes(10_000);
        var records = Records.Chunked("m1", value, 3000);
        foreach (var record in records[..^1])
        {
            Assert.Equal(ReassemblyOutcome.Pending, reassembler.Add(record, out var none));
            Assert.Null(none);
        }

        Assert.Equal(ReassemblyOutcome.Completed, reassembler.Add(records[^1], out var message));
        Assert.Equal(value, message!.Value);
        Assert.Equal(4, message.Records);
        Assert.Equal(0, reassembler.PendingBytes);
    }

    [Fact]
    public void ReReadMessageIsADuplicateNotASecondMessage()
    {
        using var reassembler = new Reassembler();
        var records = Records.Chunked("m1", Records.Bytes(5000), 2000);
        Assert.Single(reassembler.Reassemble(records));
        Assert.Empty(reassembler.Reassemble(records));
        Assert.Equal(records.Count, reassembler.Counters.Duplicates);
    }

    [Fact]
    public void RepeatedChunkWhilePendingIsIgnored()
    {
        using var reassembler = new Reassembler();
        var value = Records.Bytes(5000);
        var records = Records.Chunked("m1", value, 2000);
        List<ConsumedRecord> withRepeat = [records[0], records[1], records[1], records[0], records[2]];
        Assert.Equal(value, Assert.Single(reassembler.Reassemble(withRepeat)).Value);
        Assert.Equal(2, reassembler.Counters.Duplicates);
    }

    [Fact]
    public void AbortRecordDropsTheChunks()
    {
        using var reassembler = new Reassembler();
        var records = Records.Chunked("m1", Records.Bytes(5000), 2000);
        Assert.Empty(reassembler.Reassemble([records[0], records[1], Records.Abort("m1", 2)]));
        Assert.Equal(0, reassembler.PendingMessages);
        Assert.Equal(1, reassembler.Counters.Aborted);
        // A final record arriving after the abort (it cannot, in order, but a re-read can) completes nothing.
        Assert.Empty(reassembler.Reassemble([records[2]]));
    }

    [Fact]
    public void MissingChunkMakesTheMessageCorrupt()
    {
        using var reassembler = new Reassembler();
        var records = Records.Chunked("m1", Records.Bytes(7000), 2000);
        Assert.Empty(reassembler.Reassemble([records[0], records[2], records[3]]));
        Assert.Equal(1, reassembler.Counters.Corrupt);
        Assert.Equal(0, reassembler.PendingBytes);
    }

    [Fact]
    public void WrongHashMakesTheMessageCorrupt()
    {
        using var reassembler = new Reassembler();
        var value = Records.Bytes(1000);
        Assert.Equal(ReassemblyOutcome.Corrupt, reassembler.Add(Records.Whole("m1", value, hash: Records.Hash(Records.Bytes(1000, seed: 2))), out var message));
        Assert.Null(message);
    }

    [Fact]
    public void AlteredChunkFailsTheHash()
    {
        using var reassembler = new Reassembler();
        var records = Records.Chunked("m1", Records.Bytes(5000), 2000);
        records[1].Value[10] ^= 1;
        Assert.Empty(reassembler.Reassemble(records));
        Assert.Equal(1, reassembler.Counters.Corrupt);
    }

    [Fact]
    public void MessageWhoseStartWasNotSeenIsIncomplete()
    {
        using var reassembler = new Reassembler();
        var records = Records.Chunked("m1", Records.Bytes(5000), 2000);
        Assert.Empty(reassembler.Reassemble(records[1..]));
        Assert.Equal(2, reassembler.Counters.Incomplete);
    }

    [Fact]
    public void UnknownVersionAndOtherProducersRecordsAreForeign()
    {
        using var reassembler = new Reassembler();
        Assert.Equal(ReassemblyOutcome.Foreign, reassembler.Add(Records.Record("t", "m1", "whole", null, [1], Records.Envelope(), version: "3"), out _));
        Assert.Equal(ReassemblyOutcome.Foreign, reassembler.Add(new ConsumedRecord { Topic = "t", Value = [1], Headers = [] }, out _));
    }

    [Fact]
    public void OldestIncompleteMessageIsEvictedPastTheByteBudget()
    {
        using var reassembler = new Reassembler(new ReassemblerOptions { MaxPendingBytes = 5000 });
        var first = Records.Chunked("m1", Records.Bytes(6000, 1), 3000);
        var second = Records.Chunked("m2", Records.Bytes(6000, 2), 3000);
        Assert.Equal(ReassemblyOutcome.Pending, reassembler.Add(first[0], out _));
        Assert.Equal(ReassemblyOutcome.Pending, reassembler.Add(second[0], out _));
        Assert.Equal(1, reassembler.Counters.Evicted);
        Assert.True(reassembler.PendingBytes <= 5000);
        Assert.Empty(reassembler.Reassemble([first[1]]));
        Assert.Single(reassembler.Reassemble([second[1]]));
    }

    [Fact]
    public void IncompleteMessageExpiresAfterTheAgeBudget()
    {
        var clock = new FakeTimeProvider();
        using var reassembler = new Reassembler(new ReassemblerOptions { MaxPendingAge = TimeSpan.FromMinutes(1) }, clock);
        var records = Records.Chunked("m1", Records.Bytes(5000), 2000);
        reassembler.Add(records[0], out _);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, reassembler.Expire());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, reassembler.Expire());
        Assert.Empty(reassembler.Reassemble(records[1..]));
        Assert.Equal(0, reassembler.PendingBytes);
    }

    [Fact]
    public void CommittableOffsetStaysAtTheStartOfAnIncompleteMessage()
    {
        using var reassembler = new Reassembler();
        var records = Records.Chunked("m1", Records.Bytes(5000), 2000);
        reassembler.Add(records[0], out _);
        reassembler.Add(records[1], out _);
        Assert.Equal(records[0].Offset, reassembler.CommittableOffset("t", 0, records[1].Offset + 1));
        reassembler.Add(records[2], out _);
        Assert.Equal(records[2].Offset + 1, reassembler.CommittableOffset("t", 0, records[2].Offset + 1));
    }

    [Fact]
    public void SameMessageOnTwoTopicsIsTwoMessages()
    {
        using var reassembler = new Reassembler();
        var value = Records.Bytes(100);
        Assert.Equal(2, reassembler.Reassemble([Records.Whole("m1", value, "a"), Records.Whole("m1", value, "b")]).Count());
    }

    [Fact]
    public void VersionOneRecordsStillComplete()
    {
        using var reassembler = new Reassembler();
        var whole = Records.Bytes(1000);
        var chunked = Records.Bytes(5000, seed: 3);
        var messages = reassembler.Reassemble([LegacyRecords.Whole("m1", whole), .. LegacyRecords.Chunked("m2", chunked, 2000)]).ToList();
        Assert.Equal([whole, chunked], messages.Select(message => message.Value));
        Assert.Equal(["alice@example.com", "carol@example.com"], messages[0].Envelope.Recipients);
        Assert.Equal("gw-1", messages[1].Envelope.Gateway);
    }

    [Fact]
    public void VersionOneRecordWithAWrongSha256IsCorrupt()
    {
        using var reassembler = new Reassembler();
        Assert.Equal(ReassemblyOutcome.Corrupt, reassembler.Add(LegacyRecords.Whole("m1", Records.Bytes(1000), sha: LegacyRecords.Sha(Records.Bytes(10))), out _));
    }

    [Fact]
    public void RecordsOfTwoVersionsNeverMakeOneMessage()
    {
        using var reassembler = new Reassembler();
        var value = Records.Bytes(5000);
        var current = Records.Chunked("m1", value, 2000);
        var legacy = LegacyRecords.Chunked("m1", value, 2000);
        Assert.Empty(reassembler.Reassemble([current[0], legacy[1], current[2]]));
        Assert.Equal(1, reassembler.Counters.Corrupt);
    }

    [Fact]
    public void EscapedFieldValuesAreDecoded()
    {
        using var reassembler = new Reassembler();
        var value = Records.Bytes(10);
        var record = Records.Record("t", "m1", "whole", null, value, [.. Records.Envelope(), ("auth", "a%b\r\nc"), ("chunks", "1"), ("length", "10"), ("xxh128", Records.Hash(value))]);
        Assert.Equal(ReassemblyOutcome.Completed, reassembler.Add(record, out var message));
        Assert.Equal("a%b\r\nc", message!.Envelope.Auth);
    }

    [Fact]
    public void VersionTwoRecordWithoutAKeyIsForeign()
    {
        using var reassembler = new Reassembler();
        var record = Records.Whole("m1", Records.Bytes(10));
        Assert.Equal(ReassemblyOutcome.Foreign, reassembler.Add(new ConsumedRecord { Topic = "t", Value = record.Value, Headers = record.Headers }, out _));
    }
}
