namespace Ingest.Transport;

/// <summary>
/// TLS for SMTP; bound from Ingest:Server:Tls. With a certificate, every plain endpoint offers
/// STARTTLS (RFC 3207); endpoints listed in <see cref="ImplicitEndpoints"/> speak TLS from the
/// first byte (RFC 8314 3, port 465). Without one, no TLS at all. Several certificates are
/// chosen between by the client's server name (<see cref="Certificates"/>).
/// </summary>
public sealed class TlsOptions
{
    /// <summary>
    /// The server certificate: a PEM file (the leaf first, then any intermediates) or a PKCS#12
    /// file (.pfx or .p12). Reloaded when the file changes, so rotation needs no restart.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key, when it is not in <see cref="Certificate"/>'s file.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>Password of the PKCS#12 file or of an encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// More certificates, picked by the host name the client sends (SNI, RFC 6066 3). The single
    /// <see cref="Certificate"/> above, when set, is the default; otherwise the entry marked
    /// Default, or else the first.
    /// </summary>
    public List<TlsCertificateOptions> Certificates { get; set; } = [];

    /// <summary>How long a client may take to complete the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Listening endpoints (from Ingest:Server:Endpoints) that are implicit TLS (RFC 8314 3.3).</summary>
    public List<string> ImplicitEndpoints { get; set; } = [];

    /// <summary>Listening endpoints where MAIL is refused with 530 5.7.0 until TLS is active (RFC 3207 4).</summary>
    public List<string> RequiredEndpoints { get; set; } = [];

    public bool Enabled => !string.IsNullOrEmpty(Certificate) || Certificates.Count > 0;
}
