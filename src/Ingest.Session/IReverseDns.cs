using System.Net;

namespace Ingest.Session;

/// <summary>
/// Looks up a client's PTR name for the Received header. The answer is untrusted text: the session
/// validates it (<see cref="ClientHostName"/>) and bounds the wait, so implementations need do neither.
/// </summary>
public interface IReverseDns
{
    /// <summary>The name, or null when there is none; may throw on resolver failure.</summary>
    Task<string?> LookUpAsync(IPAddress address, CancellationToken cancellationToken);
}
