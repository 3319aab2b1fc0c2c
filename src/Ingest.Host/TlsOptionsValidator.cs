using Ingest.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Host;

/// <summary>Start-up checks of Ingest:Server:Tls, run by the server options validator; each message names its key.</summary>
internal static class TlsOptionsValidator
{
    public static void AddErrors(List<string> errors, ServerOptions server)
    {
        const string T = ServerOptions.Section + ":Tls";
        var tls = server.Tls;
        var listening = ListeningEndpoints.Of(server);
        ListeningEndpoints.CheckSubset(errors, $"{T}:ImplicitEndpoints", tls.ImplicitEndpoints, listening, "implicit TLS is turned on per listening endpoint.");
        ListeningEndpoints.CheckSubset(errors, $"{T}:RequiredEndpoints", tls.RequiredEndpoints, listening, "the TLS requirement is set per listening endpoint.");
        SmtpOptionsValidator.Positive(errors, $"{T}:HandshakeTimeout", tls.HandshakeTimeout);

        if (string.IsNullOrEmpty(tls.Certificate) && (!string.IsNullOrEmpty(tls.CertificateKey) || !string.IsNullOrEmpty(tls.CertificatePassword)))
        {
            errors.Add($"{T}:Certificate: is not set, but a key or password for it is.");
        }

        if (!tls.Enabled)
        {
            if (tls.ImplicitEndpoints.Count > 0 || tls.RequiredEndpoints.Count > 0)
            {
                errors.Add($"{T}:Certificate: is required when {T}:ImplicitEndpoints or {T}:RequiredEndpoints lists an endpoint.");
            }

            return;
        }

        // Loaded once now, so a missing file, wrong password, missing key, a key that does not match,
        // two defaults or one name on two certificates stops start-up here, naming the key.
        ServerCertificates.Load(tls, NullLogger.Instance, errors);
    }
}
