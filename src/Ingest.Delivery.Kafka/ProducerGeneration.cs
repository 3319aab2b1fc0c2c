using Confluent.Kafka;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// One librdkafka producer instance and what is in flight through it. A fatal error ends a
/// generation: it is retired (every message still waiting on it fails at once with 451) and
/// replaced. All records of one message go through one generation, since Kafka orders records
/// within a partition per producer only (KIP-98 sequence numbers are per producer id).
/// </summary>
internal sealed class ProducerGeneration(int number, ByteBudget budget)
{
    private readonly CancellationTokenSource _retired = new();
    private readonly Lock _lock = new();

    // Budget bytes charged to records produced through this generation and not yet reported.
    private long _charged;
    private bool _swept;
    private int _retiring;
    private IProducer<byte[], byte[]>? _producer;

    public IProducer<byte[], byte[]> Producer => _producer ?? throw new InvalidOperationException("no producer attached");

    public int Number => number;

    /// <summary>Fires when the generation is retired; writers waiting on it fail.</summary>
    public CancellationToken Retired => _retired.Token;

    public bool IsRetired => _retired.IsCancellationRequested;

    public void Attach(IProducer<byte[], byte[]> producer) => _producer = producer;

    /// <summary>
    /// Counts bytes already taken from the budget against this generation, before its record is
    /// produced. False once the producer is gone: the caller gives the bytes back itself.
    /// </summary>
    public bool TryCharge(long bytes)
    {
        lock (_lock)
        {
            if (_swept)
            {
                return false;
            }

            _charged += bytes;
            return true;
        }
    }

    /// <summary>A record's report arrived (or its produce call failed): its bytes go back to the budget, once.</summary>
    public void Release(long bytes)
    {
        lock (_lock)
        {
            if (_swept)
            {
                // The sweep after disposal already gave them back.
                return;
            }

            _charged -= bytes;
        }

        budget.Release(bytes);
    }

    /// <summary>True for the one caller that gets to retire this generation.</summary>
    public bool TryBeginRetire() => Interlocked.Exchange(ref _retiring, 1) == 0;

    public void Retire()
    {
        try
        {
            _retired.Cancel();
        }
        catch (AggregateException)
        {
            // A registration threw; the writers' own callbacks do not, and the rest still ran.
        }
    }

    /// <summary>
    /// Disposes the producer, then gives back the budget of records whose reports will never come:
    /// Confluent.Kafka stops its poll thread before destroying the handle, so reports of records
    /// librdkafka still held are not delivered, and none can race this sweep.
    /// </summary>
    public void DisposeProducer()
    {
        _producer?.Dispose();
        long leftover;
        lock (_lock)
        {
            _swept = true;
            leftover = _charged;
            _charged = 0;
        }

        if (leftover > 0)
        {
            budget.Release(leftover);
        }
    }
}
