using System.Collections.Concurrent;

namespace Ingest.LoadTest;

/// <summary>What was sent and how each message was answered, by id: the verifiers' reference.</summary>
internal sealed class SentLedger
{
    private readonly ConcurrentDictionary<Guid, SentRecord> _records = new();

    public int Count => _records.Count;

    public IEnumerable<SentRecord> Records => _records.Values;

    public SentRecord Add(OutgoingMessage message)
    {
        var record = new SentRecord(message.Id, message.Sha256, message.Content.Length);
        _records[message.Id] = record;
        return record;
    }

    public bool TryGet(Guid id, out SentRecord record) => _records.TryGetValue(id, out record!);
}
