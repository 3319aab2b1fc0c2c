using Confluent.Kafka;
using Ingest.Kafka.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Kafka.Consumer;

/// <summary>
/// The consumer side of the record format: reads one topic with a Confluent.Kafka consumer and
/// hands back whole, verified messages (docs/record-format.md), via the <see cref="Reassembler"/>.
/// <para>
/// Every partition of the topic is assigned explicitly: no group membership, so no rebalance to
/// wait for, and chunks of one message (same key, same partition) always reach the same reader.
/// The group only stores how far the reader got, and only for messages the caller says it has
/// handled (<see cref="MarkHandled"/>), never past the first record of a message still incomplete.
/// A reader stopped mid-message reads it again next time: at least once, and a message read twice
/// has the same id (the Reassembler drops repeats within a run; callers drop them across runs).
/// </para>
/// Not thread-safe: one reader per loop.
/// </summary>
public sealed class KafkaMessageReader : IDisposable
{
    // Consume waits at most this long per call, so cancellation is noticed promptly.
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(200);

    // Handled offsets are committed at least this often while reading, and on Dispose.
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(5);

    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly Reassembler _reassembler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<TopicPartition, long> _handled = [];
    private long _lastCommit;
    private bool _uncommitted;
    private Error? _fatal;
    private string? _lastError;
    private bool _disposed;

    private KafkaMessageReader(KafkaReaderOptions options, ILogger logger, TimeProvider time)
    {
        _time = time;
        _logger = logger;
        _lastCommit = time.GetTimestamp();
        _reassembler = new Reassembler(options.Reassembler, time);
        _consumer = new ConsumerBuilder<byte[], byte[]>(Configuration(options))
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => ConsumerLog.Librdkafka(_logger, message.Facility, message.Message))
            .Build();
    }

    /// <summary>What the reassembler has seen: completed, duplicate, aborted, corrupt, incomplete, dropped messages.</summary>
    public ReassemblerCounters Counters => _reassembler.Counters;

    /// <summary>
    /// Connects, checks the topic exists and assigns all its partitions: from the oldest record with
    /// <see cref="KafkaReaderOptions.FromBeginning"/>, else from the group's committed offsets (the
    /// end of the topic when the group has none, so only new mail is read).
    /// </summary>
    /// <param name="options">Cluster, topic, group and librdkafka settings.</param>
    /// <param name="logger">Consumer errors and failed commits as warnings, librdkafka's log as debug; none when null.</param>
    /// <param name="time">The clock for the commit interval and the reassembler's age budget; the system clock when null.</param>
    /// <exception cref="KafkaReadException">No metadata for the topic in time, or the topic does not exist.</exception>
    public static KafkaMessageReader Open(KafkaReaderOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reader = new KafkaMessageReader(options, logger ?? NullLogger.Instance, time ?? TimeProvider.System);
        try
        {
            reader.Assign(options);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The librdkafka consumer settings: ours, then the caller's passed-through settings over them.</summary>
    /// <param name="options">The reader's options; bootstrap.servers and group.id always come from them.</param>
    public static Dictionary<string, string> Configuration(KafkaReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["client.id"] = "ingest-reader",
            // Offsets are stored and committed by this class, for handled messages only.
            ["enable.auto.commit"] = "false",
            ["enable.auto.offset.store"] = "false",
            // A group with no committed offset starts at the end: only mail that arrives from now on.
            ["auto.offset.reset"] = "latest",
            // The gateway never writes transactionally; read_committed (the default) costs nothing, but say so.
            ["isolation.level"] = "read_committed",
        };
        foreach (var (key, value) in options.Consumer)
        {
            config[key] = value;
        }

        config["bootstrap.servers"] = options.BootstrapServers;
        config["group.id"] = options.GroupId;
        return config;
    }

    private void Assign(KafkaReaderOptions options)
    {
        // The consumer's own handle answers the metadata request: no second connection.
        using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(options.Topic, options.MetadataTimeout);
        }
        catch (KafkaException exception)
        {
            throw new KafkaReadException($"no metadata for topic {options.Topic} from {options.BootstrapServers} within {options.MetadataTimeout}: {exception.Error.Reason}", exception);
        }

        var topic = metadata.Topics.Find(candidate => string.Equals(candidate.Topic, options.Topic, StringComparison.Ordinal));
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
        {
            throw new KafkaReadException($"topic {options.Topic}: {(topic?.Error.IsError == true ? topic.Error.Reason : "no partitions")}");
        }

        var start = options.FromBeginning ? Offset.Beginning : Offset.Unset;
        _consumer.Assign(topic.Partitions.Select(partition => new TopicPartitionOffset(options.Topic, partition.PartitionId, start)));
    }

    /// <summary>
    /// The next whole message, or null once no record at all has arrived for <paramref name="idle"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: wait for ever). Records of aborted, corrupt and repeated
    /// messages are consumed and skipped.
    /// </summary>
    /// <param name="idle">How long to wait without any record before returning null.</param>
    /// <param name="cancellationToken">Stops the wait with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="KafkaReadException">The consumer failed (a fatal librdkafka error, or a consume error).</exception>
    public ReassembledMessage? Read(TimeSpan idle, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lastRecord = _time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Volatile.Read(ref _fatal) is { } fatal)
            {
                throw new KafkaReadException($"Kafka consumer failed: {fatal.Code}: {fatal.Reason}");
            }

            var waited = _time.GetElapsedTime(lastRecord);
            if (idle != Timeout.InfiniteTimeSpan && waited >= idle)
            {
                return null;
            }

            ConsumeResult<byte[], byte[]>? result;
            try
            {
                result = _consumer.Consume(idle == Timeout.InfiniteTimeSpan || idle - waited > PollSlice ? PollSlice : idle - waited);
            }
            catch (ConsumeException exception)
            {
                throw new KafkaReadException($"consuming {exception.ConsumerRecord?.TopicPartitionOffset}: {exception.Error.Reason}", exception);
            }

            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            lastRecord = _time.GetTimestamp();
            if (_reassembler.Add(result.ToConsumedRecord(), out var message) == ReassemblyOutcome.Completed)
            {
                return message;
            }
        }
    }

    /// <summary>
    /// The caller has stored <paramref name="message"/> durably: the group may move past it (but not
    /// past the start of a message still incomplete in the same partition).
    /// </summary>
    /// <param name="message">A message returned by <see cref="Read"/>.</param>
    public void MarkHandled(ReassembledMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var partition = new TopicPartition(message.Topic, message.Partition);
        _handled[partition] = _reassembler.CommittableOffset(message.Topic, message.Partition, message.LastOffset + 1);
        _uncommitted = true;
        if (_time.GetElapsedTime(_lastCommit) >= CommitInterval)
        {
            Commit();
        }
    }

    /// <summary>Commits the handled offsets now (also done every few seconds while reading, and on Dispose).</summary>
    public void Commit()
    {
        if (!_uncommitted)
        {
            return;
        }

        try
        {
            _consumer.Commit(_handled.Select(handled => new TopicPartitionOffset(handled.Key, handled.Value)));
            _uncommitted = false;
            _lastCommit = _time.GetTimestamp();
        }
        catch (KafkaException exception)
        {
            // Not fatal for the reader: the next run re-reads from the previous commit, and repeats are dropped.
            ConsumerLog.CommitFailed(_logger, exception.Error.Reason);
        }
    }

    private void OnError(Error error)
    {
        if (error.IsFatal)
        {
            Volatile.Write(ref _fatal, error);
        }

        // librdkafka reports a refused connection on every reconnect attempt: say it once, until something else happens.
        var text = error.Code + ": " + error.Reason;
        if (!string.Equals(Interlocked.Exchange(ref _lastError, text), text, StringComparison.Ordinal))
        {
            ConsumerLog.ConsumerError(_logger, error.Code.ToString(), error.Reason);
        }
    }

    /// <summary>Commits the handled offsets, leaves the cluster and drops what is held for incomplete messages.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Commit();
        _consumer.Close();
        _consumer.Dispose();
        _reassembler.Dispose();
    }
}
