using System.Net;
using Ingest.Session;

namespace Ingest.Transport;

/// <summary>
/// The operating system's resolver for the session's PTR lookups; lives here because the session
/// layer does no network I/O. An IP literal given to GetHostEntryAsync is a reverse lookup.
/// </summary>
public sealed class SystemReverseDns : IReverseDns
{
    public async Task<string?> LookUpAsync(IPAddress address, CancellationToken cancellationToken)
    {
        var entry = await Dns.GetHostEntryAsync(address.ToString(), cancellationToken);
        return entry.HostName;
    }
}
