namespace Ingest.Delivery.Kafka;

/// <summary>
/// The process-wide budget of bytes handed to the producer and not yet acknowledged. A writer that
/// cannot get its bytes waits, and so does its session: it stops reading its socket, and TCP flow
/// control pushes back on the client instead of this process buffering. Waiters are served first
/// come first served, so a large record is not starved by a stream of small ones.
/// </summary>
internal sealed class ByteBudget
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly long _capacity;
    private long _available;

    public ByteBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _available = capacity;
    }

    public long Capacity => _capacity;

    public long Available
    {
        get
        {
            lock (_lock)
            {
                return _available;
            }
        }
    }

    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Takes the bytes at once if they are free and nobody is queued before us.</summary>
    public bool TryAcquire(long bytes, out long taken)
    {
        taken = Math.Clamp(bytes, 0, _capacity);
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available >= taken)
            {
                _available -= taken;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> (a request larger than the whole budget takes the whole budget,
    /// so it can still proceed once everything else is acknowledged). Returns what was taken, which is
    /// what to <see cref="Release"/>; throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public ValueTask<long> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        bytes = Math.Clamp(bytes, 0, _capacity);
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return ValueTask.FromResult(bytes);
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return new ValueTask<long>(WaitAsync(waiter, cancellationToken));
    }

    public void Release(long bytes)
    {
        List<Waiter>? granted = null;
        lock (_lock)
        {
            _available = Math.Min(_capacity, _available + bytes);
            while (_waiters.First is { } first && _available >= first.Value.Bytes)
            {
                _available -= first.Value.Bytes;
                _waiters.RemoveFirst();
                first.Value.Node = null;
                (granted ??= []).Add(first.Value);
            }
        }

        // Completed outside the lock: continuations run asynchronously anyway, but keep the lock short.
        if (granted is not null)
        {
            foreach (var waiter in granted)
            {
                waiter.Completion.TrySetResult(waiter.Bytes);
            }
        }
    }

    private async Task<long> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(
            static state =>
            {
                var (budget, pending) = ((ByteBudget, Waiter))state!;
                budget.Cancel(pending);
            },
            (this, waiter));
        return await waiter.Completion.Task.ConfigureAwait(false);
    }

    private void Cancel(Waiter waiter)
    {
        var next = false;
        lock (_lock)
        {
            if (waiter.Node is null)
            {
                // Already granted: the caller gets the bytes and must release them.
                return;
            }

            next = waiter.Node == _waiters.First;
            _waiters.Remove(waiter.Node);
            waiter.Node = null;
        }

        waiter.Completion.TrySetCanceled();
        if (next)
        {
            // The head of the queue left: the one behind it may fit now.
            Release(0);
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes => bytes;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
