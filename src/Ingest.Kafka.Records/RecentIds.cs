namespace Ingest.Kafka.Records;

/// <summary>A bounded set that forgets its oldest entries first: which messages were finished, and how.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly Dictionary<(string Topic, string Id), bool> _finished = [];
    private readonly Queue<(string Topic, string Id)> _order = new();

    /// <summary>True: completed; false: dropped; null: not remembered.</summary>
    public bool? Lookup((string Topic, string Id) key) => _finished.TryGetValue(key, out var completed) ? completed : null;

    public void Remember((string Topic, string Id) key, bool completed)
    {
        if (capacity <= 0)
        {
            return;
        }

        if (_finished.TryAdd(key, completed))
        {
            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _finished.Remove(_order.Dequeue());
            }
        }
        else if (completed)
        {
            _finished[key] = true;
        }
    }
}
