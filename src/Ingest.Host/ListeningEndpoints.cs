using System.Net;
using Ingest.Transport;

namespace Ingest.Host;

/// <summary>
/// Per-endpoint settings (PROXY protocol, implicit or required TLS) name entries of
/// Ingest:Server:Endpoints; these checks make sure each one does, with messages that name the key.
/// </summary>
internal static class ListeningEndpoints
{
    public static HashSet<IPEndPoint> Of(ServerOptions server) =>
        (server.Endpoints.Count > 0 ? server.Endpoints : ServerOptions.DefaultEndpoints)
            .Select(text => IPEndPoint.TryParse(text, out var endpoint) ? endpoint : null)
            .OfType<IPEndPoint>()
            .ToHashSet();

    /// <param name="purpose">Why the entry must be a listening endpoint, appended to that error.</param>
    public static void CheckSubset(List<string> errors, string key, List<string> entries, HashSet<IPEndPoint> listening, string purpose)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var text = entries[i];
            if (!IPEndPoint.TryParse(text, out var endpoint) || !text.Contains(':', StringComparison.Ordinal))
            {
                errors.Add($"{key}:{i}: '{text}' is not an IP address and port such as 0.0.0.0:2525.");
            }
            else if (!listening.Contains(endpoint))
            {
                errors.Add($"{key}:{i}: '{text}' is not one of the listening endpoints ({ServerOptions.Section}:Endpoints); {purpose}");
            }
        }
    }
}
