using System.Net;

namespace Ingest.Policy;

/// <summary>
/// Failed AUTH attempts per client per minute, so a password guesser is slowed to a crawl: N
/// failures at once, then one more every 60/N seconds; a minute without failures clears it
/// (<see cref="ClientRateTable"/>). Successes cost nothing and refund nothing: an attacker holding
/// one valid account must not be able to reset the count between guesses at others. A client is
/// one IPv4 address or one IPv6 /64.
/// </summary>
public sealed class AuthenticationThrottle(int maxFailuresPerMinute, TimeProvider time, int capacity = ClientRateTable.DefaultCapacity)
{
    public const int DefaultCapacity = ClientRateTable.DefaultCapacity;

    private readonly ClientRateTable _failures = new(maxFailuresPerMinute, time, ipv6ByPrefix: true, capacity);

    public bool Enabled => _failures.Enabled;

    /// <summary>Clients currently tracked.</summary>
    public int TrackedClients => _failures.TrackedClients;

    /// <summary>Whether <paramref name="client"/> has used up its failures; an unknown (null) client never has.</summary>
    public bool IsThrottled(IPAddress? client) => _failures.IsExhausted(client);

    public void RecordFailure(IPAddress? client) => _failures.Take(client);
}
