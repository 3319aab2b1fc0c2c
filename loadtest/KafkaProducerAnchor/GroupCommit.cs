using Confluent.Kafka;

/// <summary>
/// The transactions prototype of issue 13, measured here before any of it goes into the sink: a
/// few transactional producers, each committing one transaction every few milliseconds for all the
/// records sessions produced into it (a group commit). A session's record is "accepted" (its 250)
/// only once the transaction that holds it has committed; a failed commit aborts, and every session
/// in it is refused (451), so nothing a read_committed consumer reads was refused.
/// <para>
/// librdkafka allows no produce() between commit_transaction() and the next begin_transaction(), so
/// a producer is closed to new records while it commits; with two or more, sessions go to one that
/// is open while the others commit.
/// </para>
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    private readonly Slot[] _slots;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _committers;
    private int _next;

    public GroupCommit(Dictionary<string, string> config, int producers, TimeSpan interval)
    {
        _interval = interval;
        _slots = new Slot[producers];
        for (var i = 0; i < producers; i++)
        {
            var own = new Dictionary<string, string>(config)
            {
                ["transactional.id"] = $"ingest-anchor-{Environment.ProcessId}-{i}",
                ["transaction.timeout.ms"] = "60000",
            };
            var producer = new ProducerBuilder<byte[], byte[]>(own).Build();
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            _slots[i] = new Slot(producer);
        }

        _committers = _slots.Select(slot => new Thread(() => Commit(slot)) { IsBackground = true, Name = "group-commit" }).ToArray();
        foreach (var thread in _committers)
        {
            thread.Start();
        }
    }

    public long Commits;
    public long Aborts;

    /// <summary>Produces one record into an open transaction; completes true once that transaction committed, false if it aborted.</summary>
    public Task<bool> ProduceAsync(string topic, Message<byte[], byte[]> message)
    {
        var start = Interlocked.Increment(ref _next);
        while (true)
        {
            // An open producer first; if every one is committing, wait for the one we were given.
            for (var i = 0; i < _slots.Length; i++)
            {
                var slot = _slots[(start + i) % _slots.Length];
                if (slot.Gate.TryEnterReadLock(0))
                {
                    return slot.Add(topic, message);
                }
            }

            var waited = _slots[start % _slots.Length];
            waited.Gate.EnterReadLock();
            return waited.Add(topic, message);
        }
    }

    private void Commit(Slot slot)
    {
        while (!_stop.IsCancellationRequested)
        {
            Thread.Sleep(_interval);
            if (Volatile.Read(ref slot.Pending) == 0)
            {
                continue;
            }

            List<TaskCompletionSource<bool>> waiters;
            slot.Gate.EnterWriteLock();
            try
            {
                waiters = slot.TakeWaiters();
                bool committed;
                try
                {
                    // Flushes every record of the transaction, then EndTxn(commit): KIP-98.
                    slot.Producer.CommitTransaction(TimeSpan.FromSeconds(30));
                    committed = true;
                    Interlocked.Increment(ref Commits);
                }
                catch (KafkaException)
                {
                    committed = false;
                    Interlocked.Increment(ref Aborts);
                    try
                    {
                        slot.Producer.AbortTransaction(TimeSpan.FromSeconds(30));
                    }
                    catch (KafkaException)
                    {
                        // A fatal error would need a new producer; the prototype stops here.
                    }
                }

                slot.Producer.BeginTransaction();
                foreach (var waiter in waiters)
                {
                    waiter.TrySetResult(committed);
                }
            }
            finally
            {
                slot.Gate.ExitWriteLock();
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var thread in _committers)
        {
            thread.Join();
        }

        foreach (var slot in _slots)
        {
            slot.Producer.Dispose();
        }
    }

    private sealed class Slot(IProducer<byte[], byte[]> producer)
    {
        public readonly IProducer<byte[], byte[]> Producer = producer;
        public readonly ReaderWriterLockSlim Gate = new(LockRecursionPolicy.NoRecursion);
        private readonly Lock _lock = new();
        private List<TaskCompletionSource<bool>> _waiters = [];
        public int Pending;

        /// <summary>Under the read lock, which it releases.</summary>
        public Task<bool> Add(string topic, Message<byte[], byte[]> message)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                Producer.Produce(topic, message);
                lock (_lock)
                {
                    _waiters.Add(done);
                    Pending = _waiters.Count;
                }
            }
            finally
            {
                Gate.ExitReadLock();
            }

            return done.Task;
        }

        public List<TaskCompletionSource<bool>> TakeWaiters()
        {
            lock (_lock)
            {
                var taken = _waiters;
                _waiters = [];
                Pending = 0;
                return taken;
            }
        }
    }
}
