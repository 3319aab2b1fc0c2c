using System.Text;

namespace Ingest.Kafka.Records;

/// <summary>
/// Turns consumed records back into whole messages (docs/record-format.md). Feed it every record of
/// a topic's partitions in offset order; it returns each message once its last record has arrived
/// and its chunk count, length and hash check out. Aborted, corrupt and never-completed messages
/// are dropped; records of a message already finished are recognised and ignored. What it holds for
/// incomplete messages is bounded in bytes, in count and in age. Not thread-safe: one per consumer loop.
/// </summary>
/// <param name="options">Bounds on what is held for incomplete messages; the defaults when null.</param>
/// <param name="timeProvider">The clock for the age budget; the system clock when null.</param>
public sealed class Reassembler(ReassemblerOptions? options = null, TimeProvider? timeProvider = null) : IDisposable
{
    private readonly ReassemblerOptions _options = options ?? new ReassemblerOptions();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Dictionary<(string Topic, string Id), PendingMessage> _pending = [];
    private readonly LinkedList<PendingMessage> _byAge = new();
    private readonly RecentIds _finished = new((options ?? new ReassemblerOptions()).RememberedMessages);

    /// <summary>How many records or messages ended each way so far.</summary>
    public ReassemblerCounters Counters { get; } = new();

    /// <summary>Chunk bytes held for incomplete messages.</summary>
    public long PendingBytes { get; private set; }

    /// <summary>Messages whose first chunk arrived and whose final record has not.</summary>
    public int PendingMessages => _pending.Count;

    /// <summary>Adds one record; <paramref name="message"/> is set when the outcome is <see cref="ReassemblyOutcome.Completed"/>.</summary>
    /// <param name="record">The next record of a partition, in offset order.</param>
    /// <param name="message">The completed message, or null for any other outcome.</param>
    /// <returns>What the record did: kept, completed a message, or was dropped and why.</returns>
    public ReassemblyOutcome Add(ConsumedRecord record, out ReassembledMessage? message)
    {
        ArgumentNullException.ThrowIfNull(record);
        Expire();
        message = null;
        var outcome = AddCore(record, ref message);
        switch (outcome)
        {
            case ReassemblyOutcome.Completed: Counters.Completed++; break;
            case ReassemblyOutcome.Duplicate: Counters.Duplicates++; break;
            case ReassemblyOutcome.Aborted: Counters.Aborted++; break;
            case ReassemblyOutcome.Corrupt: Counters.Corrupt++; break;
            case ReassemblyOutcome.Incomplete: Counters.Incomplete++; break;
            case ReassemblyOutcome.Foreign: Counters.Foreign++; break;
        }

        return outcome;
    }

    /// <summary>The whole messages among <paramref name="records"/>, in the order they complete.</summary>
    /// <param name="records">Records of one or more partitions, each partition's in offset order.</param>
    public IEnumerable<ReassembledMessage> Reassemble(IEnumerable<ConsumedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            if (Add(record, out var message) == ReassemblyOutcome.Completed)
            {
                yield return message!;
            }
        }
    }

    /// <summary>
    /// The offset a consumer may commit for a partition after handling every record before
    /// <paramref name="nextOffset"/>: never past the first record of a message still incomplete, so a
    /// restart reads that message again from its start.
    /// </summary>
    /// <param name="topic">The partition's topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="nextOffset">The offset after the last record handled (Kafka commits the next offset to read).</param>
    public long CommittableOffset(string topic, int partition, long nextOffset)
    {
        var offset = nextOffset;
        foreach (var pending in _byAge)
        {
            if (pending.Partition == partition && string.Equals(pending.Key.Topic, topic, StringComparison.Ordinal))
            {
                offset = Math.Min(offset, pending.FirstOffset);
            }
        }

        return offset;
    }

    /// <summary>Drops incomplete messages older than the age budget; also done on every <see cref="Add"/>.</summary>
    /// <returns>How many were dropped.</returns>
    public int Expire()
    {
        var now = _time.GetTimestamp();
        var dropped = 0;
        while (_byAge.First is { } oldest && _time.GetElapsedTime(oldest.Value.StartedAt, now) > _options.MaxPendingAge)
        {
            Drop(oldest.Value);
            _finished.Remember(oldest.Value.Key, completed: false);
            Counters.Expired++;
            dropped++;
        }

        return dropped;
    }

    private ReassemblyOutcome AddCore(ConsumedRecord record, ref ReassembledMessage? message)
    {
        if (RecordMetadata.Read(record) is not { } metadata)
        {
            return ReassemblyOutcome.Foreign;
        }

        var key = (record.Topic, metadata.MessageId);
        if (_finished.Lookup(key) is { } completed)
        {
            return completed ? ReassemblyOutcome.Duplicate : ReassemblyOutcome.Incomplete;
        }

        return metadata.Kind switch
        {
            RecordKind.Whole => AddWhole(record, metadata, key, ref message),
            RecordKind.Abort => AddAbort(key),
            _ => AddPart(record, metadata, key, ref message),
        };
    }

    private ReassemblyOutcome AddWhole(ConsumedRecord record, RecordMetadata metadata, (string Topic, string Id) key, ref ReassembledMessage? message)
    {
        var envelope = RecordEnvelope.Parse(metadata, key.Id);
        if (envelope is null
            || metadata.Length != (ulong)record.Value.Length
            || metadata.Chunks is not (null or 1)
            || metadata.Hash is not { } hex
            || !RecordHasher.Matches(metadata.HashAlgorithm, record.Value, Encoding.ASCII.GetBytes(hex)))
        {
            _finished.Remember(key, completed: false);
            return ReassemblyOutcome.Corrupt;
        }

        _finished.Remember(key, completed: true);
        message = new ReassembledMessage
        {
            Envelope = envelope,
            Value = record.Value,
            Topic = record.Topic,
            Partition = record.Partition,
            FirstOffset = record.Offset,
            LastOffset = record.Offset,
            Records = 1,
            Spf = metadata.Field(RecordFields.Spf),
            Dkim = metadata.Fields(RecordFields.Dkim),
            Dmarc = metadata.Field(RecordFields.Dmarc),
        };
        return ReassemblyOutcome.Completed;
    }

    private ReassemblyOutcome AddAbort((string Topic, string Id) key)
    {
        if (_pending.TryGetValue(key, out var pending))
        {
            Drop(pending);
        }

        _finished.Remember(key, completed: false);
        return ReassemblyOutcome.Aborted;
    }

    private ReassemblyOutcome AddPart(ConsumedRecord record, RecordMetadata metadata, (string Topic, string Id) key, ref ReassembledMessage? message)
    {
        if (metadata.Sequence is not { } sequence || sequence > int.MaxValue)
        {
            return Fail(key, ReassemblyOutcome.Corrupt);
        }

        if (!_pending.TryGetValue(key, out var pending))
        {
            if (sequence != 0 || metadata.Kind != RecordKind.Chunk)
            {
                // The start was never seen here (consumed from the middle) or was already dropped.
                return Fail(key, ReassemblyOutcome.Incomplete);
            }

            if (RecordEnvelope.Parse(metadata, key.Id) is not { } envelope)
            {
                return Fail(key, ReassemblyOutcome.Corrupt);
            }

            pending = new PendingMessage(key.Topic, key.Id, record.Partition, record.Offset, envelope, metadata.Version, _time.GetTimestamp());
            _pending.Add(key, pending);
            pending.Node = _byAge.AddLast(pending);
        }
        else if ((int)sequence < pending.NextSequence)
        {
            // The same chunk again (a re-read after a rebalance): already kept.
            return ReassemblyOutcome.Duplicate;
        }
        else if ((int)sequence > pending.NextSequence || metadata.Version != pending.Version)
        {
            // A gap, or a record of another format version claiming to continue this message.
            Drop(pending);
            return Fail(key, ReassemblyOutcome.Corrupt);
        }

        pending.Append(record.Value);
        PendingBytes += record.Value.Length;
        if (metadata.Kind == RecordKind.Final)
        {
            return Complete(pending, record, metadata, ref message);
        }

        return EnforceBudget(pending) ? ReassemblyOutcome.Pending : ReassemblyOutcome.Incomplete;
    }

    private ReassemblyOutcome Complete(PendingMessage pending, ConsumedRecord final, RecordMetadata metadata, ref ReassembledMessage? message)
    {
        var ok = metadata.Chunks == (ulong)pending.NextSequence
            && metadata.Length == (ulong)pending.Length
            && metadata.Hash is { } hex
            && pending.HashMatches(Encoding.ASCII.GetBytes(hex));
        if (ok)
        {
            message = new ReassembledMessage
            {
                Envelope = pending.Envelope,
                // The Authentication-Results field goes in front, as in a whole record's value.
                Value = pending.Concatenate(metadata.Field(RecordFields.Prefix) is { } prefix ? Encoding.UTF8.GetBytes(prefix) : default),
                Topic = final.Topic,
                Partition = final.Partition,
                FirstOffset = pending.FirstOffset,
                LastOffset = final.Offset,
                Records = pending.NextSequence,
                Spf = metadata.Field(RecordFields.Spf),
                Dkim = metadata.Fields(RecordFields.Dkim),
                Dmarc = metadata.Field(RecordFields.Dmarc),
            };
        }

        Drop(pending);
        _finished.Remember(pending.Key, ok);
        return ok ? ReassemblyOutcome.Completed : ReassemblyOutcome.Corrupt;
    }

    /// <summary>Keeps the byte and count budgets by dropping the oldest incomplete messages; false when that was this one.</summary>
    private bool EnforceBudget(PendingMessage current)
    {
        while ((PendingBytes > _options.MaxPendingBytes || _pending.Count > _options.MaxPendingMessages) && _byAge.First is { } oldest)
        {
            Drop(oldest.Value);
            _finished.Remember(oldest.Value.Key, completed: false);
            Counters.Evicted++;
            if (oldest.Value == current)
            {
                return false;
            }
        }

        return true;
    }

    private ReassemblyOutcome Fail((string Topic, string Id) key, ReassemblyOutcome outcome)
    {
        _finished.Remember(key, completed: false);
        return outcome;
    }

    private void Drop(PendingMessage pending)
    {
        if (_pending.Remove(pending.Key))
        {
            PendingBytes -= pending.Length;
            if (pending.Node is { } node)
            {
                _byAge.Remove(node);
            }

            pending.Dispose();
        }
    }

    /// <summary>Drops everything held for incomplete messages.</summary>
    public void Dispose()
    {
        foreach (var pending in _pending.Values)
        {
            pending.Dispose();
        }

        _pending.Clear();
        _byAge.Clear();
        PendingBytes = 0;
    }
}
