using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ingest.Transport;

/// <summary>
/// New connections per client address per minute, as a token bucket kept in the GCRA form: one
/// "theoretical arrival time" per client. A client may open N connections at once, then one more
/// every 60/N seconds; so N per minute sustained, and never more than 2N-1 in any 60 seconds. On
/// the clock of the <see cref="TimeProvider"/>, so tests drive it with a fake one.
/// <para>
/// Memory is bounded: an entry whose arrival time has passed carries no information (its bucket
/// is full again) and is swept, once a minute, or sooner when the table is full. Entries are a
/// 16-byte address and a long, no objects. When the table is full of clients active within the
/// last minute, new clients are admitted untracked until a sweep frees room; the concurrent limits
/// in <see cref="ConnectionLimiter"/> still apply to them. Refusing them instead would let anyone
/// holding many addresses (an IPv6 prefix) lock every other client out.
/// </para>
/// </summary>
public sealed class ConnectionRateLimiter
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

    /// <param name="connectionsPerMinute">Zero turns the limiter off.</param>
    /// <param name="capacity">Most clients tracked at once.</param>
    public ConnectionRateLimiter(int connectionsPerMinute, TimeProvider time, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(connectionsPerMinute);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _time = time;
        _capacity = capacity;
        _window = time.TimestampFrequency * 60;
        if (connectionsPerMinute > 0)
        {
            _interval = Math.Max(1, _window / connectionsPerMinute);
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

    /// <summary>Counts a connection from <paramref name="client"/>; false when it is over the rate.</summary>
    public bool TryAcquire(IPAddress? client)
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
                if (next - now > _burst)
                {
                    return false;
                }

                arrival = next + _interval;
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
        // A full table of active clients is rescanned at most every interval, not per connection.
        _nextSweepWhenFull = now + Math.Max(_interval, _window / 64);
    }

    // IPv4 as its IPv4-mapped IPv6 form, so 192.0.2.1 and ::ffff:192.0.2.1 are one client.
    private static UInt128 Key(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[..10].Clear();
            bytes[10] = 0xff;
            bytes[11] = 0xff;
            address.TryWriteBytes(bytes[12..], out _);
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
        }

        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
