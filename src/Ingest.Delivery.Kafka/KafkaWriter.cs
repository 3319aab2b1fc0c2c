using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using Confluent.Kafka;
using Ingest.Kafka.Records;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// One message on its way into Kafka. Bytes are copied into one buffer of the chunk capacity; when
/// it is full and more bytes arrive, it is produced as a chunk record and reused (librdkafka copies
/// the value when a record is produced). So a message holds at most one chunk here, whatever its
/// size, and its unacknowledged records count against the sink's in-flight budget.
/// </summary>
internal sealed class KafkaWriter : IMessageWriter
{
    private const int SmallBufferBytes = 64 * 1024;

    private const string RetiredReason = "the Kafka producer was closed (fatal error or shutdown) before every record was acknowledged";

    private readonly KafkaSink _sink;
    private readonly string _id;
    private readonly byte[] _key;
    private readonly IReadOnlyList<TopicRoute> _routes;
    private readonly List<Header>[] _envelopes;
    private readonly int _capacity;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Small messages stay in a pooled buffer; past it, one exact-size chunk array (a record value must be a whole byte[]).
    private byte[]? _small;
    private byte[]? _chunk;
    private int _fill;
    private long _length;

    // Records produced per topic so far: the next record's sequence number.
    private int _records;

    // Records produced and not yet reported, plus one held until the last record is produced.
    private int _outstanding = 1;
    private string? _failure;
    private string? _closingHash;
    private bool _completed;

    // A chunk record went out: consumers hold its bytes until a final or abort record closes the message.
    private bool _chunked;
    private bool _disposed;

    // The producer instance every record of this message goes through, fixed at the first record.
    private ProducerGeneration? _generation;
    private CancellationTokenRegistration _retired;

    // This message's unacknowledged chunk bytes, at most MaxChunksInFlightPerMessage records: what
    // bounds one connection's share of memory (librdkafka holds a copy of every record until it is
    // acknowledged), whatever the process-wide budget. Made at the first chunk record.
    private ByteBudget? _window;

    public KafkaWriter(KafkaSink sink, string id, byte[] key, IReadOnlyList<TopicRoute> routes, List<Header>[] envelopes, int capacity)
    {
        _sink = sink;
        _id = id;
        _key = key;
        _routes = routes;
        _envelopes = envelopes;
        _capacity = capacity;
        if (capacity <= SmallBufferBytes)
        {
            _chunk = new byte[capacity];
        }
        else
        {
            _small = ArrayPool<byte>.Shared.Rent(SmallBufferBytes);
        }
    }

    private Span<byte> Free => _chunk is { } chunk ? chunk.AsSpan(_fill) : _small.AsSpan(_fill);

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
                var result = await ProduceAsync(RecordKind.Chunk, _chunk!, cancellationToken);
                if (!result.IsAccepted)
                {
                    return result;
                }

                _fill = 0;
            }
            else if (_chunk is null && _fill == _small!.Length)
            {
                Grow();
            }

            var take = Math.Min(chunk.Length, Free.Length);
            var bytes = chunk.Span[..take];
            bytes.CopyTo(Free);
            _hash.AppendData(bytes);
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

        var last = _chunk is not null && _fill == _chunk.Length ? _chunk : (_chunk ?? _small).AsSpan(0, _fill).ToArray();
        var produced = await ProduceAsync(_records == 0 ? RecordKind.Whole : RecordKind.Final, last, cancellationToken);
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _settled.TrySetResult();
        }

        if (!produced.IsAccepted)
        {
            return produced;
        }

        // librdkafka gives up at DeliveryTimeout (message.timeout.ms); waiting a little longer lets
        // its verdict arrive first, so giving up here while an ack is still possible is rare.
        var timeout = _sink.Options.DeliveryTimeout;
        var grace = timeout / 10 < TimeSpan.FromSeconds(5) ? timeout / 10 : TimeSpan.FromSeconds(5);
        try
        {
            await _settled.Task.WaitAsync(timeout + grace, _sink.Time, cancellationToken);
        }
        catch (TimeoutException)
        {
            Fail($"not acknowledged within {timeout + grace}");
        }

        if (Volatile.Read(ref _failure) is { } late)
        {
            return DeliveryResult.Temporary(late);
        }

        _completed = true;
        return DeliveryResult.Accepted;
    }

    private void Grow()
    {
        // Past the small buffer the message may need chunks: move to one exact-size chunk array.
        _chunk = GC.AllocateUninitializedArray<byte>(_capacity);
        _small.AsSpan(0, _fill).CopyTo(_chunk);
        ArrayPool<byte>.Shared.Return(_small!);
        _small = null;
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
            var headers = Headers(kind, i);
            var charge = value.Length + _key.Length + HeadersSize(headers);
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
            var producedAt = _sink.Metrics.Produced(RecordKinds.Name(kind), value.Length);
            try
            {
                generation.Producer.Produce(
                    topic,
                    new Message<byte[], byte[]> { Key = _key, Value = value, Headers = headers },
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

    private static int HeadersSize(Headers headers)
    {
        var size = 0;
        foreach (var header in headers)
        {
            size += EnvelopeHeaders.Size(header);
        }

        return size;
    }

    private Headers Headers(RecordKind kind, int route)
    {
        var headers = new Headers
        {
            { RecordHeaders.Version, RecordFormat.VersionBytes.ToArray() },
            EnvelopeHeaders.Text(RecordHeaders.Kind, RecordKinds.Name(kind)),
            EnvelopeHeaders.Text(RecordHeaders.MessageId, _id),
        };
        if (kind != RecordKind.Whole)
        {
            headers.Add(EnvelopeHeaders.Number(RecordHeaders.Sequence, _records));
        }

        if (kind == RecordKind.Whole || (kind == RecordKind.Chunk && _records == 0))
        {
            foreach (var header in _envelopes[route])
            {
                headers.Add(header);
            }
        }

        if (kind is RecordKind.Whole or RecordKind.Final)
        {
            if (route == 0)
            {
                _closingHash ??= RecordHash.Hex(_hash.GetHashAndReset());
            }

            headers.Add(EnvelopeHeaders.Number(RecordHeaders.Chunks, _records + 1));
            headers.Add(EnvelopeHeaders.Number(RecordHeaders.Length, _length));
            headers.Add(EnvelopeHeaders.Text(RecordHeaders.Sha256, _closingHash!));
        }

        return headers;
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> report, ProducerGeneration generation, long taken, ByteBudget? window, long windowTaken, string topic, long producedAt)
    {
        // On librdkafka's poll thread: keep it short, never throw.
        _sink.Metrics.Settled(producedAt, report.Error.IsError ? report.Error.Code.ToString() : null);
        generation.Release(taken);
        window?.Release(windowTaken);
        if (report.Error.IsError)
        {
            Fail($"{report.Error.Code}: {report.Error.Reason}");
            _sink.Handle.ReportUnavailable(generation);
            KafkaLog.DeliveryFailed(_sink.Logger, _id, topic, report.Error.Reason);
            // No need to wait for the rest: the message has failed.
            _settled.TrySetResult();
        }
        else
        {
            _sink.Handle.ReportDelivered(generation);
        }

        if (Interlocked.Decrement(ref _outstanding) == 0)
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
        if (!_completed && _chunked)
        {
            ProduceAbort();
        }

        if (_small is { } small)
        {
            _small = null;
            ArrayPool<byte>.Shared.Return(small);
        }

        _chunk = null;
        _hash.Dispose();
        return ValueTask.CompletedTask;
    }

    private void ProduceAbort()
    {
        // Chunks are already in the topics: tell consumers to drop them. Not waited for: if it is
        // lost, the consumer's age budget drops the incomplete message instead.
        for (var i = 0; i < _routes.Count; i++)
        {
            var headers = new Headers
            {
                { RecordHeaders.Version, RecordFormat.VersionBytes.ToArray() },
                EnvelopeHeaders.Text(RecordHeaders.Kind, RecordKinds.Name(RecordKind.Abort)),
                EnvelopeHeaders.Text(RecordHeaders.MessageId, _id),
                EnvelopeHeaders.Number(RecordHeaders.Sequence, _records),
            };
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
