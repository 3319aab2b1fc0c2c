using System.Diagnostics;
using System.IO.Hashing;
using Confluent.Kafka;
using Ingest.Kafka.Records;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// One message on its way into Kafka. Bytes are copied into one pooled buffer, which grows (16 KiB,
/// doubling) up to the chunk capacity; when that is full and more bytes arrive, it is produced as a
/// chunk record and reused (librdkafka copies the value when a record is produced). So a message
/// holds at most one chunk here, whatever its size, and its unacknowledged records count against
/// the sink's in-flight budget.
/// <para>
/// The acknowledgement that completes a message is reported on the producer's delivery-report
/// thread, and the session waiting for it continues right there: it writes its 250 from that thread
/// instead of waking a thread-pool worker for it (the hop cost more CPU than the rest of the Kafka
/// path together: docs/performance.md). The session then runs only until its next read, which is
/// pending, since its client waits for that reply.
/// </para>
/// </summary>
internal sealed class KafkaWriter : IMessageWriter, DeliveryDeadlines.IExpiring
{
    private const string RetiredReason = "the Kafka producer was closed (fatal error or shutdown) before every record was acknowledged";

    // Immutable, so one instance serves every record (librdkafka copies header values too).
    private static readonly Header VersionHeader = new(RecordHeaders.Version, RecordFormat.VersionBytes.ToArray());

    [ThreadStatic]
    private static RecordFieldWriter? _fieldWriter;

    private readonly KafkaSink _sink;
    private readonly string _id;
    private readonly byte[] _key;
    private readonly IReadOnlyList<TopicRoute> _routes;
    private readonly byte[][] _envelopes;
    private readonly MessageEnvelope _envelope;
    private readonly int _capacity;
    private readonly XxHash128 _hash = new();

    // Not RunContinuationsAsynchronously: see the class summary.
    private readonly TaskCompletionSource _settled = new();

    // From the sink's pool: a power of two while the message is small, then exactly the chunk capacity.
    private byte[]? _buffer;
    private int _fill;
    private long _length;

    // Records produced per topic so far: the next record's sequence number.
    private int _records;

    // Records produced and not yet reported, plus one held until the last record is produced.
    private int _outstanding = 1;
    private string? _failure;

    // The failure was a topic's configuration error (missing, refused): 451 4.3.5 rather than 4.3.0.
    private volatile bool _misconfigured;

    // The hash that closes the message, the same on every topic, as hex.
    private string? _closingHash;
    private bool _completed;

    // A chunk record went out: consumers hold its bytes until a final or abort record closes the message.
    private bool _chunked;
    private bool _disposed;

    // The producer instance every record of this message goes through, fixed at the first record.
    private ProducerGeneration? _generation;
    private CancellationTokenRegistration _retired;
    private LinkedListNode<DeliveryDeadlines.IExpiring>? _deadline;

    // This message's unacknowledged chunk bytes, at most MaxChunksInFlightPerMessage records: what
    // bounds one connection's share of memory (librdkafka holds a copy of every record until it is
    // acknowledged), whatever the process-wide budget. Made at the first chunk record.
    private ByteBudget? _window;

    public KafkaWriter(KafkaSink sink, MessageEnvelope envelope, byte[] key, IReadOnlyList<TopicRoute> routes, byte[][] envelopes, int capacity)
    {
        _envelope = envelope;
        var id = envelope.MessageId;
        _sink = sink;
        _id = id;
        _key = key;
        _routes = routes;
        _envelopes = envelopes;
        _capacity = capacity;
        _buffer = sink.Buffers.Rent(Math.Min(BufferPool.SmallestBytes, capacity));
    }

    long DeliveryDeadlines.IExpiring.Deadline { get; set; }

    private Span<byte> Free => _buffer.AsSpan(_fill);

    public async ValueTask<DeliveryResult> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            return DeliveryResult.Temporary(failure);
        }

        while (!chunk.IsEmpty)
        {
            if (_fill == _capacity)
            {
                // Full, and more is coming: this buffer is a chunk, not the last record.
                var result = await ProduceAsync(RecordKind.Chunk, _buffer!, cancellationToken);
                if (!result.IsAccepted)
                {
                    return result;
                }

                _fill = 0;
            }
            else if (_fill == _buffer!.Length)
            {
                Grow();
            }

            var take = Math.Min(chunk.Length, Free.Length);
            var bytes = chunk.Span[..take];
            bytes.CopyTo(Free);
            _hash.Append(bytes);
            _fill += take;
            _length += take;
            chunk = chunk[take..];
        }

        return DeliveryResult.Accepted;
    }

    public async ValueTask<DeliveryResult> CompleteAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            return DeliveryResult.Temporary(failure);
        }

        byte[] last;
        if (_records == 0 && _envelope.Authentication is { } authentication)
        {
            // A whole record's value starts with the Authentication-Results field (RFC 8601 5: above
            // the trace header); its length and hash then cover the value as produced.
            var field = authentication.HeaderField;
            last = GC.AllocateUninitializedArray<byte>(field.Length + _fill);
            field.CopyTo(last, 0);
            _buffer.AsSpan(0, _fill).CopyTo(last.AsSpan(field.Length));
            _length = last.Length;
            _closingHash = RecordHash.Hex(XxHash128.Hash(last));
        }
        else
        {
            last = _fill == _buffer!.Length ? _buffer : Exact(_buffer.AsSpan(0, _fill));
        }

        var produced = await ProduceAsync(_records == 0 ? RecordKind.Whole : RecordKind.Final, last, cancellationToken);

        // librdkafka gives up at DeliveryTimeout (message.timeout.ms); the deadline a little later is
        // the backstop, so giving up here while an acknowledgement is still possible is rare.
        _deadline = _sink.Deadlines.Add(this);
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _settled.TrySetResult();
        }

        if (!produced.IsAccepted)
        {
            return produced;
        }

        var cancelled = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((KafkaWriter)state!)._settled.TrySetResult(), this)
            : default;
        try
        {
            await _settled.Task;
        }
        finally
        {
            cancelled.Unregister();
            _sink.Deadlines.Remove(_deadline);
        }

        if (Volatile.Read(ref _failure) is { } late)
        {
            return _misconfigured ? DeliveryResult.Misconfigured(late) : DeliveryResult.Temporary(late);
        }

        // Woken by the session's own cancellation (the connection went away) with records still out.
        if (Volatile.Read(ref _outstanding) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        _completed = true;
        return DeliveryResult.Accepted;
    }

    void DeliveryDeadlines.IExpiring.Expire()
    {
        Fail($"not acknowledged within {_sink.Deadlines.Wait}");
        _settled.TrySetResult();
    }

    /// <summary>The last record's value: exactly its bytes (librdkafka takes a whole array).</summary>
    private static byte[] Exact(ReadOnlySpan<byte> bytes)
    {
        var value = GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(value);
        return value;
    }

    private void Grow()
    {
        // Doubling, and at the end exactly the chunk capacity, from which chunk records are produced.
        var next = _sink.Buffers.Rent(BufferPool.NextLength(_buffer!.Length, _capacity));
        _buffer.AsSpan(0, _fill).CopyTo(next);
        _sink.Buffers.Return(_buffer);
        _buffer = next;
    }

    /// <summary>Produces one record of the message to every topic it goes to; waits for in-flight budget first.</summary>
    private async ValueTask<DeliveryResult> ProduceAsync(RecordKind kind, byte[] value, CancellationToken cancellationToken)
    {
        var generation = Generation();
        var window = kind == RecordKind.Whole
            ? null
            : _window ??= new ByteBudget((long)_sink.Options.MaxChunksInFlightPerMessage * _sink.Options.MaxRecordBytes);
        for (var i = 0; i < _routes.Count; i++)
        {
            var fields = Fields(kind, i);
            var charge = value.Length + _key.Length + fields.Length + KafkaSink.HeaderOverheadBytes;
            // This message's own window first, so it never holds process-wide budget while it waits for its own acks.
            var windowTaken = window is null ? 0 : await AcquireAsync(window, charge, cancellationToken);
            if (windowTaken < 0)
            {
                return DeliveryResult.Temporary(Fail($"waited longer than {_sink.Options.DeliveryTimeout} for this message's earlier chunks to be acknowledged"));
            }

            var taken = await AcquireAsync(_sink.Budget, charge, cancellationToken);
            if (taken < 0)
            {
                window?.Release(windowTaken);
                return DeliveryResult.Temporary(Fail($"waited longer than {_sink.Options.DeliveryTimeout} for the in-flight byte budget"));
            }

            if (Volatile.Read(ref _failure) is { } failure)
            {
                // An earlier record failed (or timed out) while we waited: producing more would only waste the topic.
                _sink.Budget.Release(taken);
                window?.Release(windowTaken);
                return DeliveryResult.Temporary(failure);
            }

            if (!generation.TryCharge(taken))
            {
                // The producer was retired and disposed while we waited for budget.
                _sink.Budget.Release(taken);
                window?.Release(windowTaken);
                return DeliveryResult.Temporary(Fail(RetiredReason));
            }

            var topic = _routes[i].Topic;
            Interlocked.Increment(ref _outstanding);
            var producedAt = _sink.Metrics.Produced(kind, value.Length);
            try
            {
                generation.Producer.Produce(
                    topic,
                    new Message<byte[], byte[]> { Key = _key, Value = value, Headers = [VersionHeader, new Header(RecordHeaders.Record, fields)] },
                    report => OnDelivery(report, generation, taken, window, windowTaken, topic, producedAt));
            }
            catch (Exception exception) when (exception is KafkaException or ObjectDisposedException)
            {
                _sink.Metrics.Settled(producedAt, exception is KafkaException kafka ? kafka.Error.Code.ToString() : "producer_disposed");
                generation.Release(taken);
                window?.Release(windowTaken);
                Interlocked.Decrement(ref _outstanding);
                KafkaLog.DeliveryFailed(_sink.Logger, _id, topic, exception.Message);
                return DeliveryResult.Temporary(Fail(exception.Message));
            }
        }

        _records++;
        if (kind == RecordKind.Chunk && !_chunked)
        {
            _chunked = true;
            _sink.Metrics.Chunked();
        }

        return DeliveryResult.Accepted;
    }

    /// <summary>
    /// The producer generation of this message: all its records go through one producer instance, so
    /// they stay in order (a new instance has a new producer id and sequence). When that generation
    /// is retired after a fatal error, the message fails at once instead of at its deadline.
    /// </summary>
    private ProducerGeneration Generation()
    {
        if (_generation is null)
        {
            _generation = _sink.Handle.Current;
            _retired = _generation.Retired.UnsafeRegister(static state => ((KafkaWriter)state!).OnRetired(), this);
        }

        return _generation;
    }

    private void OnRetired()
    {
        Fail(RetiredReason);
        _settled.TrySetResult();
    }

    /// <summary>Budget bytes taken, or -1 when the wait outlived the delivery deadline.</summary>
    private async ValueTask<long> AcquireAsync(ByteBudget budget, long bytes, CancellationToken cancellationToken)
    {
        if (budget.TryAcquire(bytes, out var taken))
        {
            return taken;
        }

        // A session waiting here stops reading its socket: that is the backpressure. The wait counts
        // against the deadline, since the client is waiting for the reply to this data block.
        using var deadline = new CancellationTokenSource(_sink.Options.DeliveryTimeout, _sink.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await budget.AcquireAsync(bytes, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return -1;
        }
        finally
        {
            _sink.Metrics.Waited(Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The packed fields of this message's next record to topic <paramref name="route"/> (docs/record-format.md).</summary>
    private byte[] Fields(RecordKind kind, int route)
    {
        var fields = _fieldWriter ??= new RecordFieldWriter(1024);
        fields.Clear();
        fields.Add(RecordFields.Kind, RecordKinds.Utf8Name(kind));
        if (kind != RecordKind.Whole)
        {
            fields.Add(RecordFields.Sequence, _records);
        }

        if (kind == RecordKind.Whole || (kind == RecordKind.Chunk && _records == 0))
        {
            fields.AddFields(_envelopes[route]);
        }

        if (kind is RecordKind.Whole or RecordKind.Final)
        {
            fields.Add(RecordFields.Chunks, _records + 1);
            fields.Add(RecordFields.Length, _length);
            fields.Add(RecordFields.XxHash128, _closingHash ??= ClosingHash());
            if (_envelope.Authentication is { } authentication)
            {
                AddVerdicts(fields, authentication, prefix: kind == RecordKind.Final);
            }
        }

        return fields.ToArray();
    }

    /// <summary>
    /// The verdicts on the record that closes the message (docs/record-format.md); a final record
    /// also carries the Authentication-Results field, for the consumer to put in front.
    /// </summary>
    private static void AddVerdicts(RecordFieldWriter fields, AuthenticationVerdicts verdicts, bool prefix)
    {
        fields.Add(RecordFields.Spf, verdicts.Spf);
        foreach (var signature in verdicts.Dkim)
        {
            fields.Add(RecordFields.Dkim, signature);
        }

        fields.Add(RecordFields.Dmarc, verdicts.Dmarc);
        if (prefix)
        {
            fields.Add(RecordFields.Prefix, verdicts.HeaderField);
        }
    }

    private string ClosingHash()
    {
        Span<byte> hash = stackalloc byte[16];
        _hash.GetCurrentHash(hash);
        return RecordHash.Hex(hash);
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> report, ProducerGeneration generation, long taken, ByteBudget? window, long windowTaken, string topic, long producedAt)
    {
        // On librdkafka's delivery-report thread: never throw. Settling the message comes last,
        // since the session continues inline from it.
        _sink.Metrics.Settled(producedAt, report.Error.IsError ? report.Error.Code.ToString() : null);
        generation.Release(taken);
        window?.Release(windowTaken);
        var last = Interlocked.Decrement(ref _outstanding) == 0;
        if (report.Error.IsError)
        {
            Fail($"{report.Error.Code}: {report.Error.Reason}");
            // A topic's own error (missing, refused, too small) is a configuration error of that
            // route, not news about the brokers: readiness stays with the routes that work.
            _misconfigured |= TopicWatch.ProblemOf(report.Error.Code) is not null;
            if (!_sink.Topics.Report(topic, report.Error.Code))
            {
                _sink.Handle.ReportUnavailable(generation);
            }

            KafkaLog.DeliveryFailed(_sink.Logger, _id, topic, report.Error.Reason);
            // No need to wait for the rest: the message has failed.
            _settled.TrySetResult();
            return;
        }

        _sink.Handle.ReportDelivered(generation);
        if (last)
        {
            _settled.TrySetResult();
        }
    }

    private string Fail(string reason)
    {
        Interlocked.CompareExchange(ref _failure, reason, null);
        return _failure!;
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        _retired.Dispose();
        if (_deadline is { } deadline)
        {
            _sink.Deadlines.Remove(deadline);
        }

        if (!_completed && _chunked)
        {
            ProduceAbort();
        }

        if (_buffer is { } buffer)
        {
            // librdkafka copied every record it was given, so the buffer is free.
            _buffer = null;
            _sink.Buffers.Return(buffer);
        }

        return ValueTask.CompletedTask;
    }

    private void ProduceAbort()
    {
        // Chunks are already in the topics: tell consumers to drop them. Not waited for: if it is
        // lost, the consumer's age budget drops the incomplete message instead.
        var fields = new RecordFieldWriter(64);
        fields.Add(RecordFields.Kind, RecordKinds.Utf8Name(RecordKind.Abort));
        fields.Add(RecordFields.Sequence, _records);
        var headers = new Headers { VersionHeader, new Header(RecordHeaders.Record, fields.ToArray()) };
        for (var i = 0; i < _routes.Count; i++)
        {
            try
            {
                _sink.Handle.Current.Producer.Produce(_routes[i].Topic, new Message<byte[], byte[]> { Key = _key, Value = [], Headers = headers });
            }
            catch (Exception exception) when (exception is KafkaException or ObjectDisposedException)
            {
                KafkaLog.DeliveryFailed(_sink.Logger, _id, _routes[i].Topic, "abort record: " + exception.Message);
                return;
            }
        }

        KafkaLog.Aborted(_sink.Logger, _id, _records);
    }
}
