using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ingest.Host;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Ingest.Functional.Tests;

/// <summary>
/// Several certificates picked by the client's server name (SNI, RFC 6066 3), over real sockets
/// with real TLS clients: SslStream with a TargetHost, and MailKit connecting to a host name.
/// </summary>
public sealed class SniTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private const string T = "Ingest:Server:Tls";

    // The default is the single certificate of the old configuration, kept as it was.
    private readonly TestCertificate _default = TestCertificate.Create("CN=default.test", "default.test");
    // Names from its subjectAltName.
    private readonly TestCertificate _a = TestCertificate.Create("CN=mx.a.test", "mx.a.test");
    // Names listed in configuration, not the ones in the certificate.
    private readonly TestCertificate _b = TestCertificate.Create("CN=b", "unrelated.test");
    private readonly TestCertificate _wildcard = TestCertificate.Create("CN=w", "*.w.test");
    private readonly FakeLogCollector _logs = new();

    public void Dispose()
    {
        _default.Dispose();
        _a.Dispose();
        _b.Dispose();
        _wildcard.Dispose();
    }

    private string[] Settings =>
    [
        .. _default.PemSettings,
        $"{T}:Certificates:0:Certificate={_a.CertificatePath}",
        $"{T}:Certificates:0:CertificateKey={_a.KeyPath}",
        $"{T}:Certificates:1:Certificate={_b.Pkcs12Path}",
        $"{T}:Certificates:1:CertificatePassword={TestCertificate.Pkcs12Password}",
        $"{T}:Certificates:1:Names:0=mx.b.test",
        $"{T}:Certificates:1:Names:1=smtp.b.test",
        $"{T}:Certificates:2:Certificate={_wildcard.CertificatePath}",
        $"{T}:Certificates:2:CertificateKey={_wildcard.KeyPath}",
        $"{T}:ImplicitEndpoints:0=127.0.0.1:0",
        "Ingest:Smtp:AcceptedDomains:0=example.com",
    ];

    private Task<RunningGateway> StartAsync(params string[] settings) =>
        RunningGateway.StartAsync(settings, services => services.AddLogging(logging => logging.AddProvider(new FakeLoggerProvider(_logs))));

    /// <summary>The thumbprint of the certificate the gateway presents to a client asking for <paramref name="serverName"/> (none when empty).</summary>
    private static async Task<string> PresentedToAsync(IPEndPoint endpoint, string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        await using var tls = new SslStream(tcp.GetStream());
        // An empty TargetHost sends no server_name extension at all.
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName, RemoteCertificateValidationCallback = (_, _, _, _) => true })
            .WaitAsync(Bound);
        // The session runs behind the handshake, whatever certificate was picked.
        Assert.StartsWith("220 ", await new StreamReader(tls, Encoding.ASCII).ReadLineAsync().WaitAsync(Bound));
        return new X509Certificate2(tls.RemoteCertificate!).Thumbprint;
    }

    [Fact]
    public async Task EachNameGetsItsCertificateAndNoNameOrAnUnknownOneGetsTheDefault()
    {
        await using var gateway = await StartAsync(Settings);
        var expected = new (string Name, string Thumbprint)[]
        {
            ("mx.a.test", _a.Thumbprint),
            ("MX.A.Test", _a.Thumbprint),
            ("mx.b.test", _b.Thumbprint),
            ("smtp.b.test", _b.Thumbprint),
            // Listed names replace the certificate's own.
            ("unrelated.test", _default.Thumbprint),
            ("default.test", _default.Thumbprint),
            // A wildcard stands for exactly one leftmost label (RFC 6125 6.4.3).
            ("anything.w.test", _wildcard.Thumbprint),
            ("w.test", _default.Thumbprint),
            ("two.labels.w.test", _default.Thumbprint),
            ("unknown.test", _default.Thumbprint),
            ("", _default.Thumbprint),
        };
        foreach (var (name, thumbprint) in expected)
        {
            Assert.True(thumbprint == await PresentedToAsync(gateway.EndPoint, name), $"wrong certificate for '{name}'");
        }
    }

    [Fact]
    public async Task MailKitConnectingToAHostNameGetsThatNamesCertificateOverStartTls()
    {
        // Only the plain endpoint: STARTTLS, where the name comes from the host MailKit was told to connect to.
        await using var gateway = await StartAsync([.. Settings.Where(setting => !setting.Contains("ImplicitEndpoints", StringComparison.Ordinal))]);
        foreach (var (host, certificate) in new[] { ("mx.a.test", _a), ("mx.b.test", _b), ("relay.w.test", _wildcard) })
        {
            string? seen = null;
            using var client = new SmtpClient
            {
                ServerCertificateValidationCallback = (_, presented, _, _) =>
                {
                    seen = new X509Certificate2(presented!).Thumbprint;
                    return seen == certificate.Thumbprint;
                },
            };
            // The socket is connected here, so the test names need no DNS; MailKit sends the host as SNI.
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(gateway.EndPoint);
            await client.ConnectAsync(socket, host, gateway.EndPoint.Port, SecureSocketOptions.StartTls);
            Assert.True(client.IsSecure);
            await client.SendAsync(new MimeKit.MimeMessage(
                [new MimeKit.MailboxAddress("", "alice@example.org")],
                [new MimeKit.MailboxAddress("", "bob@example.com")],
                host,
                new MimeKit.TextPart("plain") { Text = "over " + host }));
            await client.DisconnectAsync(quit: true);
            Assert.Equal(certificate.Thumbprint, seen);
        }

        Assert.Equal(3, gateway.DeliveredFiles().Length);
    }

    [Fact]
    public async Task WithoutTheSingleCertificateTheEntryMarkedDefaultIsTheDefault()
    {
        await using var gateway = await StartAsync(
            $"{T}:Certificates:0:Certificate={_a.CertificatePath}",
            $"{T}:Certificates:0:CertificateKey={_a.KeyPath}",
            $"{T}:Certificates:1:Certificate={_wildcard.CertificatePath}",
            $"{T}:Certificates:1:CertificateKey={_wildcard.KeyPath}",
            $"{T}:Certificates:1:Default=true",
            $"{T}:ImplicitEndpoints:0=127.0.0.1:0");
        Assert.Equal(_a.Thumbprint, await PresentedToAsync(gateway.EndPoint, "mx.a.test"));
        Assert.Equal(_wildcard.Thumbprint, await PresentedToAsync(gateway.EndPoint, "other.test"));
        Assert.Equal(_wildcard.Thumbprint, await PresentedToAsync(gateway.EndPoint, ""));
    }

    [Fact]
    public async Task OneRotatedCertificateIsServedForItsNameWhileTheOthersStay()
    {
        await using var gateway = await StartAsync(Settings);
        var before = _a.Thumbprint;
        Assert.Equal(before, await PresentedToAsync(gateway.EndPoint, "mx.a.test"));

        _a.Write("CN=mx.a.test rotated");
        Assert.NotEqual(before, _a.Thumbprint);
        // The next handshake for the name looks at the files, sees them changed and loads them.
        Assert.Equal(_a.Thumbprint, await PresentedToAsync(gateway.EndPoint, "mx.a.test"));
        Assert.Equal(_wildcard.Thumbprint, await PresentedToAsync(gateway.EndPoint, "x.w.test"));
        Assert.Equal(_default.Thumbprint, await PresentedToAsync(gateway.EndPoint, "unknown.test"));
        Assert.DoesNotContain(_logs.GetSnapshot(), log => log.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task ABrokenNewFileKeepsThatNamesCertificateAndTheLogNamesItsKey()
    {
        await using var gateway = await StartAsync(Settings);
        var before = _a.Thumbprint;
        await File.WriteAllTextAsync(_a.CertificatePath, "-----BEGIN CERTIFICATE-----\nhalf a file");
        Assert.Equal(before, await PresentedToAsync(gateway.EndPoint, "mx.a.test"));
        var error = Assert.Single(_logs.GetSnapshot(), log => log.Level == LogLevel.Error);
        Assert.StartsWith($"{T}:Certificates:0:Certificate: TLS certificate files changed but could not be loaded; the previous certificate stays in use", error.Message);
    }

    public static TheoryData<string, string[]> InvalidConfigurations()
    {
        var certificate = "{0}";
        var key = "{1}";
        return new()
        {
            { $"{T}:Certificates:0:Certificate", [$"{T}:Certificates:0:Certificate=/nonexistent/cert.pem"] },
            { $"{T}:Certificates:0:Certificate", [$"{T}:Certificates:0:CertificateKey={key}"] },
            // The certificate's PEM file alone: no private key.
            { $"{T}:Certificates:0:Certificate", [$"{T}:Certificates:0:Certificate={certificate}"] },
            { $"{T}:Certificates:0:CertificateKey", [$"{T}:Certificates:0:Certificate={certificate}", $"{T}:Certificates:0:CertificateKey=/nonexistent/key.pem"] },
            // Two defaults: the single certificate is one.
            { $"{T}:Certificates:0:Default", [$"{T}:Certificate={certificate}", $"{T}:CertificateKey={key}", $"{T}:Certificates:0:Certificate={certificate}", $"{T}:Certificates:0:CertificateKey={key}", $"{T}:Certificates:0:Names:0=x.test", $"{T}:Certificates:0:Default=true"] },
            { $"{T}:Certificates:1:Default", [$"{T}:Certificates:0:Certificate={certificate}", $"{T}:Certificates:0:CertificateKey={key}", $"{T}:Certificates:0:Default=true", $"{T}:Certificates:1:Certificate={certificate}", $"{T}:Certificates:1:CertificateKey={key}", $"{T}:Certificates:1:Names:0=x.test", $"{T}:Certificates:1:Default=true"] },
            // The same name twice: listed, and from the default's subjectAltName.
            { $"{T}:Certificates:1:Names:1", [$"{T}:Certificates:0:Certificate={certificate}", $"{T}:Certificates:0:CertificateKey={key}", $"{T}:Certificates:1:Certificate={certificate}", $"{T}:Certificates:1:CertificateKey={key}", $"{T}:Certificates:1:Names:0=x.test", $"{T}:Certificates:1:Names:1=gw.test"] },
            { $"{T}:Certificates:0:Names:0", [$"{T}:Certificates:0:Certificate={certificate}", $"{T}:Certificates:0:CertificateKey={key}", $"{T}:Certificates:0:Names:0=a.*.test"] },
            { $"{T}:Certificates:0:Names:0", [$"{T}:Certificates:0:Certificate={certificate}", $"{T}:Certificates:0:CertificateKey={key}", $"{T}:Certificates:0:Names:0=bad_name..test"] },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidConfigurations))]
    public async Task InvalidCertificatesStopStartUpNamingTheKey(string key, string[] settings)
    {
        using var certificate = TestCertificate.Create();
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = IngestApp.Build(
            [
                "--Ingest:Server:Endpoints:0=127.0.0.1:0",
                "--Ingest:Management:Endpoint=",
                .. settings.Select(setting => "--" + string.Format(System.Globalization.CultureInfo.InvariantCulture, setting, certificate.CertificatePath, certificate.KeyPath)),
            ]);
            await app.StartAsync();
        });
        Assert.Contains(exception.Failures, failure => failure.StartsWith(key + ":", StringComparison.Ordinal));
    }
}
