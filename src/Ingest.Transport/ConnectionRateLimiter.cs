using System.Net;
using Ingest.Policy;

namespace Ingest.Transport;

/// <summary>
/// New connections per client address per minute (<see cref="ClientRateTable"/>): a client may
/// open N connections at once, then one more every 60/N seconds. Counted per address, as the
/// concurrent limits in <see cref="ConnectionLimiter"/> are; a client beyond the table's capacity
/// is admitted untracked, and those concurrent limits still apply to it. A new rate
/// (<see cref="Update"/>) starts a new table: every client begins with a full burst.
/// </summary>
public sealed class ConnectionRateLimiter(int connectionsPerMinute, TimeProvider time, int capacity = ClientRateTable.DefaultCapacity)
{
    public const int DefaultCapacity = ClientRateTable.DefaultCapacity;

    private volatile ClientRateTable _connections = new(connectionsPerMinute, time, ipv6ByPrefix: false, capacity);
    private int _connectionsPerMinute = connectionsPerMinute;

    public void Update(int perMinute)
    {
        if (Interlocked.Exchange(ref _connectionsPerMinute, perMinute) != perMinute)
        {
            _connections = new ClientRateTable(perMinute, time, ipv6ByPrefix: false, capacity);
        }
    }

    public bool Enabled => _connections.Enabled;

    /// <summary>Clients currently tracked.</summary>
    public int TrackedClients => _connections.TrackedClients;

    /// <summary>Counts a connection from <paramref name="client"/>; false when it is over the rate.</summary>
    public bool TryAcquire(IPAddress? client) => _connections.TryTake(client);
}
