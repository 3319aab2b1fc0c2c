namespace Ingest.Transport;

/// <summary>
/// One certificate of several, chosen by the name the client asks for in its TLS ClientHello
/// (server_name, RFC 6066 3); bound from Ingest:Server:Tls:Certificates:N.
/// </summary>
public sealed class TlsCertificateOptions
{
    /// <summary>A PEM file (the leaf first, then any intermediates) or a PKCS#12 file (.pfx or .p12); reloaded when it changes.</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key, when it is not in <see cref="Certificate"/>'s file.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>Password of the PKCS#12 file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Host names this certificate answers, exact (mx.example.com) or a wildcard of one leftmost
    /// label (*.example.com). Empty: the certificate's own subjectAltName DNS names, read at start-up.
    /// </summary>
    public List<string> Names { get; set; } = [];

    /// <summary>Presented when the client names no host, or one no certificate answers. At most one default.</summary>
    public bool Default { get; set; }
}
