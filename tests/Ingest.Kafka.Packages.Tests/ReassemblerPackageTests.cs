using Confluent.Kafka;
using Ingest.Kafka.Consumer;
using Ingest.Kafka.Records;

namespace Ingest.Kafka.Packages.Tests;

/// <summary>The packaged Reassembler over records written from the format document, through the packaged adapter.</summary>
public sealed class ReassemblerPackageTests
{
    [Fact]
    public void WholeChunkedAndAbortedMessagesComeOutAsTheFormatSays()
    {
        var whole = DocumentedRecords.Value(1000, 1);
        var chunked = DocumentedRecords.Value(10_000, 2);
        var (wholeId, chunkedId, abortedId) = (DocumentedRecords.Id(), DocumentedRecords.Id(), DocumentedRecords.Id());
        var records = new List<Message<byte[], byte[]>> { DocumentedRecords.Whole(wholeId, whole) };
        var chunks = DocumentedRecords.Chunked(chunkedId, chunked, 3000);
        records.Add(chunks[0]);
        records.AddRange(DocumentedRecords.Chunked(abortedId, DocumentedRecords.Value(5000, 3), 2000)[..2]);
        records.AddRange(chunks[1..]);
        records.Add(DocumentedRecords.Abort(abortedId, 2));

        using var reassembler = new Reassembler();
        var completed = new List<ReassembledMessage>();
        var committable = new List<long>();
        for (var offset = 0; offset < records.Count; offset++)
        {
            if (reassembler.Add(Consumed(records[offset], offset), out var message) == ReassemblyOutcome.Completed)
            {
                completed.Add(message!);
            }

            committable.Add(reassembler.CommittableOffset("mail", 0, offset + 1));
        }

        Assert.Equal([wholeId, chunkedId], completed.Select(message => message.Envelope.MessageId));
        Assert.Equal(whole, completed[0].Value);
        Assert.Equal(chunked, completed[1].Value);
        Assert.Equal((1L, 6L, 4), (completed[1].FirstOffset, completed[1].LastOffset, completed[1].Records));
        var envelope = completed[1].Envelope;
        Assert.Equal(("bob@example.org", "client.test", "ESMTPSA", "TLSv1.3 TLS_AES_256_GCM_SHA384"), (envelope.ReversePath, envelope.HeloName, envelope.Protocol, envelope.Tls));
        Assert.Equal("50%\nof\rit", envelope.Auth);
        Assert.Equal(["alice@example.com", "carol@example.com"], envelope.Recipients);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 16, 0, 34, TimeSpan.Zero).AddTicks(1234567), envelope.ReceivedAt);
        Assert.Equal(1, reassembler.Counters.Aborted);

        // Nothing past the first record of an incomplete message may be committed: the chunked one
        // (offsets 1 to 6) holds it at 1; once it completes, the aborted one (from 2) holds it at 2
        // until its abort record; then everything read may be.
        Assert.Equal([1L, 1, 1, 1, 1, 1, 2, 8], committable);
    }

    [Fact]
    public void AVersion1RecordIsStillRead()
    {
        var value = DocumentedRecords.Value(3000, 4);
        var id = DocumentedRecords.Id();
        using var reassembler = new Reassembler();
        Assert.Equal(ReassemblyOutcome.Completed, reassembler.Add(Consumed(DocumentedRecords.LegacyWhole(id, value), 0), out var message));
        Assert.Equal(value, message!.Value);
        Assert.Equal(id, message.Envelope.MessageId);
        Assert.Equal(["alice@example.com", "carol@example.com"], message.Envelope.Recipients);
    }

    private static ConsumedRecord Consumed(Message<byte[], byte[]> message, long offset) =>
        new ConsumeResult<byte[], byte[]> { Topic = "mail", Partition = 0, Offset = offset, Message = message }.ToConsumedRecord();
}
