using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Ingest.Transport;

/// <summary>
/// One certificate TLS handshakes present, reloaded when its files change. Every handshake that
/// picks it (<see cref="ServerCertificates"/>) asks
/// for <see cref="Current"/>, which looks at the files' size and modification time (two stat
/// calls, negligible beside a handshake) and loads them again when either moved: replacing the
/// files, or the symbolic link a secret mount swaps, rotates the certificate without a restart.
/// A reload that fails (a half-written file) keeps the previous certificate and tries again at
/// the next handshake after the files change again.
/// </summary>
public sealed class ServerCertificate
{
    private readonly TlsCertificateOptions _options;
    private readonly string _key;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private SslStreamCertificateContext _context;
    private (DateTime, long, DateTime, long) _stamp;

    private ServerCertificate(TlsCertificateOptions options, string key, ILogger logger, SslStreamCertificateContext context, (DateTime, long, DateTime, long) stamp)
    {
        _options = options;
        _key = key;
        _logger = logger;
        _context = context;
        _stamp = stamp;
    }

    /// <summary>The certificate to present now, reloaded first if its files changed.</summary>
    public SslStreamCertificateContext Current
    {
        get
        {
            var stamp = Stamp(_options);
            if (stamp == _stamp)
            {
                return _context;
            }

            lock (_lock)
            {
                if (stamp != _stamp)
                {
                    if (TryLoad(_options, out var context, out var error))
                    {
                        _context = context!;
                        TlsLog.CertificateReloaded(_logger, _key, context!.TargetCertificate.Subject, context.TargetCertificate.Thumbprint);
                    }
                    else
                    {
                        TlsLog.CertificateReloadFailed(_logger, _key, error!);
                    }

                    // Either way, wait for the next change before trying again.
                    _stamp = stamp;
                }

                return _context;
            }
        }
    }

    /// <summary>The DNS names in the subjectAltName of the certificate as loaded at start-up (RFC 5280 4.2.1.6).</summary>
    public IEnumerable<string> DnsNames =>
        _context.TargetCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(names => names.EnumerateDnsNames());

    /// <summary>The configuration key of the certificate file, for log lines and errors.</summary>
    public string Key => _key;

    /// <summary>
    /// Loads a configured certificate; <paramref name="key"/> is its configuration key, named in
    /// the log when a reload fails. The error says what is wrong, for the start-up message.
    /// </summary>
    public static ServerCertificate? Load(TlsCertificateOptions options, string key, ILogger logger, out string? error)
    {
        var stamp = Stamp(options);
        return TryLoad(options, out var context, out error) ? new ServerCertificate(options, key, logger, context!, stamp) : null;
    }

    private static bool TryLoad(TlsCertificateOptions options, out SslStreamCertificateContext? context, out string? error)
    {
        context = null;
        error = null;
        try
        {
            var path = options.Certificate!;
            X509Certificate2 leaf;
            X509Certificate2Collection chain;
            if (IsPkcs12(path))
            {
                chain = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, options.CertificatePassword);
                leaf = chain.FirstOrDefault(certificate => certificate.HasPrivateKey)
                    ?? throw new CryptographicException("the PKCS#12 file holds no certificate with a private key");
                chain.Remove(leaf);
            }
            else
            {
                var keyPath = string.IsNullOrEmpty(options.CertificateKey) ? null : options.CertificateKey;
                leaf = string.IsNullOrEmpty(options.CertificatePassword)
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, options.CertificatePassword, keyPath);
                // The leaf comes first in the file; what follows is the chain sent with it.
                chain = [];
                chain.ImportFromPemFile(path);
                if (chain.Count > 0)
                {
                    chain.RemoveAt(0);
                }
            }

            if (leaf.NotAfter < DateTime.UtcNow)
            {
                throw new CryptographicException($"the certificate expired on {leaf.NotAfter:u}");
            }

            context = SslStreamCertificateContext.Create(leaf, chain, offline: true);
            return true;
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error = exception.Message;
            return false;
        }
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static (DateTime, long, DateTime, long) Stamp(TlsCertificateOptions options)
    {
        var (certificateTime, certificateLength) = Stamp(options.Certificate);
        var (keyTime, keyLength) = Stamp(options.CertificateKey);
        return (certificateTime, certificateLength, keyTime, keyLength);
    }

    private static (DateTime, long) Stamp(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return default;
        }

        FileSystemInfo file = new FileInfo(path);
        // A mounted secret is a chain of symbolic links swapped atomically: watch what it points at.
        if (file.LinkTarget is not null)
        {
            file = file.ResolveLinkTarget(returnFinalTarget: true) ?? file;
        }

        return file is FileInfo { Exists: true } info ? (info.LastWriteTimeUtc, info.Length) : default;
    }
}
