using System.Net;
using Ingest.Protocol;

namespace Ingest.Transport;

/// <summary>
/// Admission control: a total and a per-address count of open connections. A lock over a small
/// dictionary: taken twice per connection, never per command. The limits can change while running
/// (<see cref="Update"/>); lowering one below what is open closes nothing, it refuses newcomers
/// until enough have left.
/// </summary>
public sealed class ConnectionLimiter(ServerOptions options)
{
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private readonly Lock _lock = new();
    private int _total;
    private int _maxConnections = options.MaxConnections;
    private int _maxConnectionsPerClient = options.MaxConnectionsPerClient;

    public void Update(int maxConnections, int maxConnectionsPerClient)
    {
        lock (_lock)
        {
            _maxConnections = maxConnections;
            _maxConnectionsPerClient = maxConnectionsPerClient;
        }
    }

    /// <summary>Admits a connection, or returns why not. Every admission must be released.</summary>
    public Rejection TryAdmit(IPAddress? client)
    {
        var key = Normalize(client);
        lock (_lock)
        {
            if (_total >= _maxConnections)
            {
                return Rejection.TooManyConnections;
            }

            if (key is not null)
            {
                _perClient.TryGetValue(key, out var count);
                if (count >= _maxConnectionsPerClient)
                {
                    return Rejection.TooManyConnectionsFromClient;
                }

                _perClient[key] = count + 1;
            }

            _total++;
            return Rejection.None;
        }
    }

    public void Release(IPAddress? client)
    {
        var key = Normalize(client);
        lock (_lock)
        {
            _total--;
            if (key is not null && _perClient.TryGetValue(key, out var count))
            {
                if (count <= 1)
                {
                    _perClient.Remove(key);
                }
                else
                {
                    _perClient[key] = count - 1;
                }
            }
        }
    }

    // ::ffff:192.0.2.1 and 192.0.2.1 are the same client.
    private static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
