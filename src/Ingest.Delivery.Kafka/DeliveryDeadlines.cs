namespace Ingest.Delivery.Kafka;

/// <summary>
/// The backstop behind librdkafka's own message timeout: messages waiting for acknowledgements, in
/// one list, and one timer for all of them, instead of a timer (and the timer queue's lock) per
/// message. Every message waits the same time from the moment its last record is produced, so the
/// list is in deadline order: adding is at the tail, expiring from the head.
/// </summary>
internal sealed class DeliveryDeadlines : IDisposable
{
    private readonly Lock _lock = new();
    private readonly LinkedList<IExpiring> _waiting = new();
    private readonly TimeSpan _wait;
    private readonly TimeSpan _period;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    public DeliveryDeadlines(TimeSpan wait, TimeProvider time)
    {
        _wait = wait;
        _time = time;
        // Checked a few times per wait, at most once a second: a message is failed at most a tick late.
        _period = TimeSpan.FromTicks(Math.Clamp(wait.Ticks / 4, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));
        _timer = time.CreateTimer(static state => ((DeliveryDeadlines)state!).Expire(), this, _period, _period);
    }

    /// <summary>Something that waits and can be told its time is up.</summary>
    public interface IExpiring
    {
        long Deadline { get; set; }

        void Expire();
    }

    /// <summary>How long a message may wait, from its last record produced.</summary>
    public TimeSpan Wait => _wait;

    /// <summary>How often deadlines are checked: a message fails at most this long after its deadline.</summary>
    public TimeSpan Period => _period;

    /// <summary>Raised after a message starts waiting: on a fake clock, a test moves time only after it.</summary>
    public event Action? Added;

    public LinkedListNode<IExpiring> Add(IExpiring waiter)
    {
        waiter.Deadline = _time.GetTimestamp() + (long)(_wait.TotalSeconds * _time.TimestampFrequency);
        LinkedListNode<IExpiring> node;
        lock (_lock)
        {
            node = _waiting.AddLast(waiter);
        }

        Added?.Invoke();
        return node;
    }

    public void Remove(LinkedListNode<IExpiring> node)
    {
        lock (_lock)
        {
            if (node.List is not null)
            {
                _waiting.Remove(node);
            }
        }
    }

    private void Expire()
    {
        var now = _time.GetTimestamp();
        while (true)
        {
            IExpiring expired;
            lock (_lock)
            {
                if (_waiting.First is not { } first || first.Value.Deadline > now)
                {
                    return;
                }

                _waiting.RemoveFirst();
                expired = first.Value;
            }

            expired.Expire();
        }
    }

    public void Dispose() => _timer.Dispose();
}
