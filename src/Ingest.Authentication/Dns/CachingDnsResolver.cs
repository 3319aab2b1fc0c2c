using System.Collections.Concurrent;

namespace Ingest.Authentication.Dns;

/// <summary>
/// A bounded cache in front of the network resolver. Answers are kept for their TTL (capped by
/// <see cref="DnsOptions.MaxCacheTtl"/>; negative ones by <see cref="DnsOptions.NegativeCacheTtl"/>),
/// failures not at all. A question already in flight is joined rather than asked twice, so a burst
/// of mail from one domain costs one query. Each caller waits with its own token (its message's
/// budget), while the shared query runs to its own timeout. At most <see cref="DnsOptions.CacheSize"/>
/// entries: when full, expired entries are swept, and if none expired new answers go uncached
/// rather than evicting live ones.
/// </summary>
public sealed class CachingDnsResolver : IDnsResolver
{
    private readonly IDnsResolver _inner;
    private readonly DnsOptions _options;
    private readonly TimeProvider _time;
    private readonly AuthenticationMetrics _metrics;
    private readonly ConcurrentDictionary<(string Name, DnsType Type), Entry> _entries = new();
    private long _nextSweep;

    public CachingDnsResolver(IDnsResolver inner, DnsOptions options, TimeProvider time, AuthenticationMetrics metrics)
    {
        _inner = inner;
        _options = options;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>Entries held, in flight included.</summary>
    public int Count => _entries.Count;

    public ValueTask<DnsAnswer> QueryAsync(string name, DnsType type, CancellationToken cancellationToken)
    {
        // DNS names compare case-insensitively (RFC 4343); one key per spelling.
        var key = (name.EndsWith('.') ? name[..^1].ToLowerInvariant() : name.ToLowerInvariant(), type);
        var now = _time.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && (entry.ExpiresAt == 0 || entry.ExpiresAt > now))
        {
            _metrics.CacheHit(type);
            var pending = entry.Answer.Task;
            return pending.IsCompleted ? new ValueTask<DnsAnswer>(pending) : new ValueTask<DnsAnswer>(pending.WaitAsync(cancellationToken));
        }

        if (_entries.Count >= _options.CacheSize)
        {
            Sweep(now);
        }

        var fresh = new Entry();
        if (_entries.Count < _options.CacheSize)
        {
            _entries[key] = fresh;
        }

        _ = FetchAsync(key, fresh);
        var task = fresh.Answer.Task;
        return task.IsCompleted ? new ValueTask<DnsAnswer>(task) : new ValueTask<DnsAnswer>(task.WaitAsync(cancellationToken));
    }

    private async Task FetchAsync((string Name, DnsType Type) key, Entry entry)
    {
        // Not the caller's token: others may join this query, and its own timeout bounds it.
        var answer = await _inner.QueryAsync(key.Name, key.Type, CancellationToken.None);
        var ttl = answer.IsTemporaryFailure ? TimeSpan.Zero
            : answer.IsVoid ? Min(answer.Ttl ?? _options.NegativeCacheTtl, _options.NegativeCacheTtl)
            : Min(answer.Ttl ?? _options.MaxCacheTtl, _options.MaxCacheTtl);
        if (ttl <= TimeSpan.Zero)
        {
            // Failures are not kept: the next message asks again.
            _entries.TryRemove(new KeyValuePair<(string, DnsType), Entry>(key, entry));
        }
        else
        {
            entry.ExpiresAt = _time.GetTimestamp() + (long)(ttl.TotalSeconds * _time.TimestampFrequency);
        }

        entry.Answer.TrySetResult(answer);
    }

    private void Sweep(long now)
    {
        if (now < Volatile.Read(ref _nextSweep))
        {
            return;
        }

        Volatile.Write(ref _nextSweep, now + _time.TimestampFrequency);
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt != 0 && entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Entry
    {
        public TaskCompletionSource<DnsAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Zero while the query is in flight.</summary>
        public long ExpiresAt { get; set; }
    }
}
