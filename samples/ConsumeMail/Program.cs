using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Ingest.Kafka.Consumer;
using Ingest.Kafka.Records;
using MimeKit;

// A consumer of the Ingest gateway's topic: a Confluent.Kafka group consumer, the Reassembler to
// turn records back into whole messages, MimeKit to read them, and offsets committed the safe way.
// Usage: ConsumeMail <bootstrap-servers> <topic> [group] [max-messages] [idle-seconds]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ConsumeMail <bootstrap-servers> <topic> [group] [max-messages] [idle-seconds]");
    return 1;
}

var topic = args[1];
var maxMessages = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : int.MaxValue;
var idle = TimeSpan.FromSeconds(args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 30);
var config = new ConsumerConfig
{
    BootstrapServers = args[0],
    GroupId = args.Length > 2 ? args[2] : "consume-mail-sample",
    // A new group reads the topic from its start.
    AutoOffsetReset = AutoOffsetReset.Earliest,
    // Offsets are committed by this program, and only offsets that are safe (below).
    EnableAutoCommit = false,
    EnableAutoOffsetStore = false,
};

using var reassembler = new Reassembler();
// Per partition, the offset a restart may resume from: past every record handled, but never past the
// first record of a message still incomplete (Reassembler.CommittableOffset), so none is half-read.
var safe = new Dictionary<TopicPartition, long>();
var committed = new SortedDictionary<int, long>();
using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
    .SetPartitionsRevokedHandler((revokedFrom, revoked) =>
    {
        // Another member takes these partitions over: hand them over at the safe offsets.
        Commit(revokedFrom, revoked.Select(partition => partition.TopicPartition));
        foreach (var partition in revoked)
        {
            safe.Remove(partition.TopicPartition);
        }
    })
    .Build();
consumer.Subscribe(topic);

var handled = 0;
var quiet = Stopwatch.StartNew();
var lastCommit = Stopwatch.StartNew();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, cancel) => { cancel.Cancel = true; stop.Cancel(); };
try
{
    while (handled < maxMessages && quiet.Elapsed < idle && !stop.IsCancellationRequested)
    {
        var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
        if (result is null || result.IsPartitionEOF)
        {
            continue;
        }

        quiet.Restart();
        if (reassembler.Add(result.ToConsumedRecord(), out var message) == ReassemblyOutcome.Completed)
        {
            Print(message!);
            handled++;
        }

        // This record is dealt with (printed, kept as a chunk, or skipped as aborted, repeated or foreign).
        safe[result.TopicPartition] = reassembler.CommittableOffset(result.Topic, result.Partition.Value, result.Offset.Value + 1);
        if (lastCommit.Elapsed > TimeSpan.FromSeconds(5))
        {
            Commit(consumer, safe.Keys);
            lastCommit.Restart();
        }
    }
}
finally
{
    Commit(consumer, safe.Keys);
    consumer.Close();
}

var counters = reassembler.Counters;
Console.WriteLine($"{handled} messages; skipped {counters.Aborted} aborted, {counters.Corrupt} corrupt, {counters.Duplicates} repeated records; "
    + $"committed: {(committed.Count == 0 ? "nothing" : string.Join(", ", committed.Select(entry => $"partition {entry.Key} at {entry.Value}")))}");
return 0;

void Commit(IConsumer<byte[], byte[]> client, IEnumerable<TopicPartition> partitions)
{
    var offsets = partitions.Where(safe.ContainsKey).Select(partition => new TopicPartitionOffset(partition, safe[partition])).ToList();
    if (offsets.Count > 0)
    {
        client.Commit(offsets);
        foreach (var offset in offsets)
        {
            committed[offset.Partition.Value] = offset.Offset.Value;
        }
    }
}

static void Print(ReassembledMessage message)
{
    // The value is the message as the gateway accepted it: its Received: header, then what the client sent.
    using var stream = new MemoryStream(message.Value);
    var mime = MimeMessage.Load(stream);
    var envelope = message.Envelope;
    Console.WriteLine(
        $"{envelope.MessageId} from <{envelope.ReversePath}> to {string.Join(", ", envelope.Recipients.Select(recipient => $"<{recipient}>"))}: "
        + $"\"{mime.Subject}\", {mime.BodyParts.Count()} part(s), {mime.Attachments.Count()} attachment(s), {message.Value.Length} octets in {message.Records} record(s)");
}
