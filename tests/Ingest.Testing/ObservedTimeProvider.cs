using Microsoft.Extensions.Time.Testing;

namespace Ingest.Testing;

/// <summary>
/// A fake clock that also tells a test when a timer has been armed, so the test advances time
/// only once the code under test is waiting on it (no sleeps, no polling).
/// </summary>
public sealed class ObservedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _armed = [];
    private readonly List<(TimeSpan DueTime, int Count, TaskCompletionSource Armed)> _waiters = [];

    /// <summary>How many times a timer has been armed (created or changed) with <paramref name="dueTime"/> so far.</summary>
    public int Armings(TimeSpan dueTime)
    {
        lock (_lock)
        {
            return _armed.Count(armed => armed == dueTime);
        }
    }

    /// <summary>
    /// Completes once timers have been armed with <paramref name="dueTime"/> <paramref name="count"/>
    /// times in all: take <see cref="Armings"/> first and wait for one more when an earlier wait of
    /// the same length (a previous message's, say) must not count.
    /// </summary>
    public Task WhenArmedAsync(TimeSpan dueTime, int count = 1)
    {
        lock (_lock)
        {
            if (_armed.Count(armed => armed == dueTime) >= count)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, count, waiter));
            return waiter.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Armed(dueTime);
        return timer;
    }

    private void Armed(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        lock (_lock)
        {
            _armed.Add(dueTime);
            var count = _armed.Count(armed => armed == dueTime);
            foreach (var waiter in _waiters.Where(waiter => waiter.DueTime == dueTime && waiter.Count <= count).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Armed.SetResult();
            }
        }
    }

    private sealed class ObservedTimer(ITimer inner, ObservedTimeProvider time) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            time.Armed(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
