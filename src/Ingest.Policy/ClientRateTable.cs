using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ingest.Policy;

/// <summary>
/// Events per client address per minute, as a token bucket kept in the GCRA form: one
/// "theoretical arrival time" per client, pushed 60/N seconds ahead by each event. A client may
/// have N events at once, then one more every 60/N seconds; so N per minute sustained, never more
/// than 2N-1 in any 60 seconds, and a quiet minute clears it. On the <see cref="TimeProvider"/>'s
/// clock, so tests drive it with a fake one. Shared by the connection rate limit and the AUTH
/// failure throttle.
/// <para>
/// Memory is bounded: an entry whose arrival time has passed carries no information (its bucket
/// is full again) and is swept, once a minute, or sooner when the table is full. Entries are a
/// 16-byte key and a long, no objects. When the table is full of clients active within the last
/// minute, new clients go untracked until a sweep frees room: refusing them instead would let
/// anyone holding many addresses (an IPv6 prefix) lock every other client out.
/// </para>
/// </summary>
public sealed class ClientRateTable
{
    public const int DefaultCapacity = 100_000;

    private readonly Dictionary<UInt128, long> _arrivals = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly bool _ipv6ByPrefix;
    private readonly long _interval;
    private readonly long _burst;
    private readonly long _window;
    private long _nextSweep;
    private long _nextSweepWhenFull;

    /// <param name="eventsPerMinute">Zero turns the table off: every client is always within its budget.</param>
    /// <param name="ipv6ByPrefix">
    /// Count an IPv6 client by its /64: a single host is routinely given a whole /64 (RFC 4291
    /// 2.5.1), so counting its addresses one by one would give it 2^64 fresh budgets.
    /// </param>
    /// <param name="capacity">Most clients tracked at once.</param>
    public ClientRateTable(int eventsPerMinute, TimeProvider time, bool ipv6ByPrefix, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(eventsPerMinute);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _time = time;
        _capacity = capacity;
        _ipv6ByPrefix = ipv6ByPrefix;
        _window = time.TimestampFrequency * 60;
        if (eventsPerMinute > 0)
        {
            _interval = Math.Max(1, _window / eventsPerMinute);
            // How far ahead of now a client's arrival time may run: N-1 intervals, a burst of N.
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

    /// <summary>Whether <paramref name="client"/> has used up its budget; an unknown (null) client never has.</summary>
    public bool IsExhausted(IPAddress? client)
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

    /// <summary>Counts an event if the budget allows it; false (and nothing counted) when it does not.</summary>
    public bool TryTake(IPAddress? client) => Take(client, force: false);

    /// <summary>
    /// Counts an event whether or not the budget allows it, capped at one window ahead: events
    /// counted while exhausted never stretch the penalty beyond a minute.
    /// </summary>
    public void Take(IPAddress? client) => Take(client, force: true);

    private bool Take(IPAddress? client, bool force)
    {
        if (_interval == 0 || client is null)
        {
            return true;
        }

        var key = Key(client);
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            ref var arrival = ref CollectionsMarshal.GetValueRefOrNullRef(_arrivals, key);
            if (!Unsafe.IsNullRef(ref arrival))
            {
                var next = Math.Max(arrival, now);
                if (next - now > _burst && !force)
                {
                    return false;
                }

                arrival = Math.Min(next + _interval, now + _window);
                return true;
            }

            if (now >= _nextSweep || (_arrivals.Count >= _capacity && now >= _nextSweepWhenFull))
            {
                Sweep(now);
            }

            if (_arrivals.Count < _capacity)
            {
                _arrivals.Add(key, now + _interval);
            }

            return true;
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
        // A table full of active clients is rescanned at most every interval, not on every event.
        _nextSweepWhenFull = now + Math.Max(_interval, _window / 64);
    }

    private UInt128 Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            // IPv4 as ::ffff:a.b.c.d, so 192.0.2.1 and ::ffff:192.0.2.1 are one client. IPv6 keys by
            // prefix keep their low 64 bits zero, so the 0xffff here keeps the families apart.
            bytes[10] = 0xff;
            bytes[11] = 0xff;
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
            if (_ipv6ByPrefix)
            {
                bytes[8..].Clear();
            }
        }

        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
