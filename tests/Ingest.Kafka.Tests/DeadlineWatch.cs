using Ingest.Delivery.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Kafka.Tests;

/// <summary>
/// Counts the messages that began waiting for their acknowledgements (the sink's deadline list),
/// so a test on a fake clock moves time only once the message it means is waiting: moved earlier,
/// the message's deadline would simply start later.
/// </summary>
internal sealed class DeadlineWatch : IDisposable
{
    private readonly KafkaSink _sink;
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _added;

    public DeadlineWatch(KafkaSink sink)
    {
        _sink = sink;
        sink.Deadlines.Added += OnAdded;
    }

    /// <summary>Completes once <paramref name="count"/> messages have begun waiting since this watch was made.</summary>
    public Task WaitingAsync(int count = 1)
    {
        lock (_lock)
        {
            if (_added >= count)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, waiter));
            return waiter.Task;
        }
    }

    /// <summary>Moves <paramref name="time"/> past the deadline of every message waiting now, and by one check of the deadlines more.</summary>
    public void PassDeadlines(FakeTimeProvider time) => time.Advance(_sink.Deadlines.Wait + _sink.Deadlines.Period);

    private void OnAdded()
    {
        lock (_lock)
        {
            _added++;
            foreach (var waiter in _waiters.Where(waiter => waiter.Count <= _added).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Reached.SetResult();
            }
        }
    }

    public void Dispose() => _sink.Deadlines.Added -= OnAdded;
}
