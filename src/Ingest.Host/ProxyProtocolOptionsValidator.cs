using Ingest.Transport;

namespace Ingest.Host;

/// <summary>Start-up checks of Ingest:Server:ProxyProtocol, run by the server options validator; each message names its key.</summary>
internal static class ProxyProtocolOptionsValidator
{
    public static void AddErrors(List<string> errors, ServerOptions server)
    {
        const string P = ServerOptions.Section + ":ProxyProtocol";
        var proxy = server.ProxyProtocol;
        ListeningEndpoints.CheckSubset(errors, $"{P}:Endpoints", proxy.Endpoints, ListeningEndpoints.Of(server), "PROXY protocol is turned on per listening endpoint.");

        for (var i = 0; i < proxy.TrustedNetworks.Count; i++)
        {
            if (!TrustedProxies.TryParseNetwork(proxy.TrustedNetworks[i], out _, out var problem))
            {
                errors.Add($"{P}:TrustedNetworks:{i}: '{proxy.TrustedNetworks[i]}' {problem}");
            }
        }

        // With nobody trusted, a PROXY endpoint would close every connection: surely not what was meant.
        if (proxy.Endpoints.Count > 0 && proxy.TrustedNetworks.Count == 0)
        {
            errors.Add($"{P}:TrustedNetworks: must list the load balancers' networks (e.g. 10.0.0.0/8) when {P}:Endpoints is set; PROXY headers are accepted only from them.");
        }

        SmtpOptionsValidator.Positive(errors, $"{P}:HeaderTimeout", proxy.HeaderTimeout);
    }
}
