using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ingest.Functional.Tests;

/// <summary>A self-signed server certificate written as PEM (cert + key) and PKCS#12 into a temporary directory.</summary>
internal sealed class TestCertificate : IDisposable
{
    private readonly string[] _dnsNames;

    private TestCertificate(string directory, string[] dnsNames)
    {
        Directory = directory;
        _dnsNames = dnsNames;
    }

    public string Directory { get; }

    public string CertificatePath => Path.Combine(Directory, "cert.pem");

    public string KeyPath => Path.Combine(Directory, "key.pem");

    public string Pkcs12Path => Path.Combine(Directory, "cert.pfx");

    public const string Pkcs12Password = "pfx-secret";

    /// <summary>Thumbprint of the certificate the files hold now.</summary>
    public string Thumbprint { get; private set; } = "";

    /// <summary>Settings that point the gateway's TLS at the PEM files.</summary>
    public string[] PemSettings => [$"Ingest:Server:Tls:Certificate={CertificatePath}", $"Ingest:Server:Tls:CertificateKey={KeyPath}"];

    /// <summary>A certificate for <paramref name="dnsNames"/> (subjectAltName), gw.test when none are given.</summary>
    public static TestCertificate Create(string subject = "CN=gw.test", params string[] dnsNames)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ingest-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var certificate = new TestCertificate(directory, dnsNames.Length > 0 ? dnsNames : ["gw.test"]);
        certificate.Write(subject);
        return certificate;
    }

    /// <summary>Replaces the files with a fresh certificate, as a rotation would.</summary>
    public void Write(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in _dnsNames)
        {
            names.AddDnsName(name);
        }

        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Written beside and renamed over, as deployment tools do, so no reader sees half a file.
        Replace(CertificatePath, certificate.ExportCertificatePem());
        Replace(KeyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(Pkcs12Path, certificate.Export(X509ContentType.Pkcs12, Pkcs12Password));
        Thumbprint = certificate.Thumbprint;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static void Replace(string path, string content)
    {
        var temporary = path + ".new";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
