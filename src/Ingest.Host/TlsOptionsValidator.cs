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

        if (!tls.Enabled)
        {
            if (tls.ImplicitEndpoints.Count > 0 || tls.RequiredEndpoints.Count > 0)
            {
                errors.Add($"{T}:Certificate: is required when {T}:ImplicitEndpoints or {T}:RequiredEndpoints lists an endpoint.");
            }

            if (!string.IsNullOrEmpty(tls.CertificateKey) || !string.IsNullOrEmpty(tls.CertificatePassword))
            {
                errors.Add($"{T}:Certificate: is not set, but a key or password for it is.");
            }

            return;
        }

        if (!File.Exists(tls.Certificate))
        {
            errors.Add($"{T}:Certificate: file '{tls.Certificate}' does not exist.");
            return;
        }

        if (!string.IsNullOrEmpty(tls.CertificateKey) && !File.Exists(tls.CertificateKey))
        {
            errors.Add($"{T}:CertificateKey: file '{tls.CertificateKey}' does not exist.");
            return;
        }

        // Load it once now, so a wrong password or a key that does not match stops start-up here.
        if (ServerCertificate.Load(tls, NullLogger.Instance, out var problem) is null)
        {
            errors.Add($"{T}:Certificate: '{tls.Certificate}' could not be loaded: {problem}");
        }
    }
}
