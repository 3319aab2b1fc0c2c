using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Ingest.LoadTest;

/// <summary>
/// A run's TLS settings, shared by all its connections: when the handshake happens, and whether
/// the server certificate is checked. Protocol versions and cipher suites are the OS's defaults
/// (TLS 1.2 and 1.3 on current systems), as an ordinary mail client would offer them.
/// </summary>
internal sealed class ClientTls
{
    private readonly SslClientAuthenticationOptions _options;

    /// <param name="targetHost">
    /// The name the certificate must carry, and the SNI sent. For an address literal no SNI goes
    /// out, and .NET on Linux then resumes no session: it caches sessions by server name.
    /// </param>
    /// <param name="checkCertificate">False accepts any certificate: a self-signed one on loopback, never a real target.</param>
    /// <param name="resume">
    /// Whether a connection may resume the TLS session of an earlier one (RFC 8446 2.2), as .NET
    /// does by default and as a caching MTA would; false makes every handshake a full one.
    /// </param>
    public ClientTls(TlsMode mode, string targetHost, bool checkCertificate, bool resume)
    {
        Mode = mode;
        CheckCertificate = checkCertificate;
        Resume = resume;
        // One options object for every handshake: SslStream copies what it needs and never writes it.
        _options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            EnabledSslProtocols = SslProtocols.None, // the OS's choice
            RemoteCertificateValidationCallback = checkCertificate ? null : static (_, _, _, _) => true,
            // .NET builds the chain even when the callback accepts anything; against the system
            // store that costs the client milliseconds per handshake, which on a shared machine
            // comes out of the gateway's share. An empty custom store makes it cheap.
            CertificateChainPolicy = checkCertificate ? null : new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                DisableCertificateDownloads = true,
                RevocationMode = X509RevocationMode.NoCheck,
            },
            AllowTlsResume = resume,
        };
    }

    public TlsMode Mode { get; }

    public bool CheckCertificate { get; }

    public bool Resume { get; }

    public string ServerName => _options.TargetHost!;

    /// <summary>The handshake as a client over <paramref name="inner"/>; the returned stream owns it, and a failure disposes it.</summary>
    public async Task<SslStream> AuthenticateAsync(Stream inner, CancellationToken cancellationToken)
    {
        var stream = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(_options, cancellationToken);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }
}
