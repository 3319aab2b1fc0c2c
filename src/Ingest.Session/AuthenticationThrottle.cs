using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ingest.Session;

/// <summary>
/// Failed AUTH attempts per client per minute, so a password guesser is slowed to a crawl. A token
/// bucket in the GCRA form: one "theoretical arrival time" per client, pushed 60/N seconds ahead by
/// each failure. A client may fail N times at once, then once more every 60/N seconds; a minute
/// without failures clears it. Successes cost nothing and refund nothing: an attacker holding one
/// valid account must not be able to reset the count between guesses at others. On the
/// <see cref="TimeProvider"/>'s clock, so tests drive it with a fake one.
/// <para>
/// A client is one IPv4 address, or one IPv6 /64: a single host is routinely given a whole /64
/// (RFC 4291 2.5.1: 64-bit interface identifiers), so counting IPv6 addresses one by one would
/// give a guesser 2^64 fresh budgets. IPv4-mapped IPv6 addresses count as their IPv4 address.
/// </para>
/// <para>
/// Memory is bounded: an entry whose arrival time has passed carries no information and is swept,
/// once a minute or sooner when the table is full. When the table is full of clients that failed
/// within the last minute, new clients go untracked until a sweep frees room, rather than being
/// refused: refusing them would let anyone with many addresses lock every other user out.
/// </para>
/// </summary>
public sealed class AuthenticationThrottle
{
    public const int DefaultCapacity = 100_000;

    private readonly Dictionary<UInt128, long> _arrivals = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly long _interval;
    private readonly long _burst;
    private readonly long _window;
    private long _nextSweep;
    private long _nextSweepWhenFull;

    /// <param name="maxFailuresPerMinute">Zero turns the throttle off.</param>
    /// <param name="capacity">Most clients tracked at once.</param>
    public AuthenticationThrottle(int maxFailuresPerMinute, TimeProvider time, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFailuresPerMinute);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _time = time;
        _capacity = capacity;
        _window = time.TimestampFrequency * 60;
        if (maxFailuresPerMinute > 0)
        {
            _interval = Math.Max(1, _window / maxFailuresPerMinute);
            // The arrival time may run up to N-1 intervals ahead of now and still admit an attempt: a burst of N.
            _burst = _window - _interval;
        }
    }

    public bool Enabled => _interval > 0;

    /// <summary>Clients currently tracked.</summary>
    public int TrackedClients
    {
        get
        {
            lock (_lock)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>Whether <paramref name="client"/> has used up its failures; an unknown (null) client never has.</summary>
    public bool IsThrottled(IPAddress? client)
    {
        if (_interval == 0 || client is null)
        {
            return false;
        }

        var key = Key(client);
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            return _arrivals.TryGetValue(key, out var arrival) && arrival - now > _burst;
        }
    }

    public void RecordFailure(IPAddress? client)
    {
        if (_interval == 0 || client is null)
        {
            return;
        }

        var key = Key(client);
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            ref var arrival = ref CollectionsMarshal.GetValueRefOrNullRef(_arrivals, key);
            if (!Unsafe.IsNullRef(ref arrival))
            {
                // Capped at one window ahead: failures recorded while throttled (by a caller that
                // records without asking first) never stretch the penalty beyond a minute.
                arrival = Math.Min(Math.Max(arrival, now) + _interval, now + _window);
                return;
            }

            if (now >= _nextSweep || (_arrivals.Count >= _capacity && now >= _nextSweepWhenFull))
            {
                Sweep(now);
            }

            if (_arrivals.Count < _capacity)
            {
                _arrivals.Add(key, now + _interval);
            }
        }
    }

    private void Sweep(long now)
    {
        foreach (var (key, arrival) in _arrivals)
        {
            if (arrival <= now)
            {
                _arrivals.Remove(key);
            }
        }

        _nextSweep = now + _window;
        // A table full of active clients is rescanned at most every interval, not on every failure.
        _nextSweepWhenFull = now + Math.Max(_interval, _window / 64);
    }

    private static UInt128 Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            // IPv4 as ::ffff:a.b.c.d. IPv6 keys keep only the /64 prefix, their low 64 bits zero,
            // so the 0xffff here keeps the two families apart.
            bytes[10] = 0xff;
            bytes[11] = 0xff;
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
        }

        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
