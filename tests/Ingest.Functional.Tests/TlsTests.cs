using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ingest.Host;
using Ingest.Policy;
using Ingest.Session;
using Ingest.Transport;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Ingest.Functional.Tests;

/// <summary>STARTTLS, implicit TLS and AUTH over real sockets with real TLS, driven by MailKit and raw clients.</summary>
public sealed class TlsTests : IDisposable
{
    private const string Password = "wonderland";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TestCertificate _certificate = TestCertificate.Create();
    private readonly string _passwordFile;

    public TlsTests()
    {
        _passwordFile = Path.Combine(_certificate.Directory, "users");
        // The lowest cost the public API accepts keeps the test fast; operators get 600,000 by default.
        File.WriteAllText(_passwordFile, "# test users\nalice:" + PasswordHash.Hash(Encoding.UTF8.GetBytes(Password), PasswordHash.MinimumIterations) + "\n");
    }

    public void Dispose() => _certificate.Dispose();

    private Task<RunningGateway> StartAsync(params string[] settings) => StartAsync(null, settings);

    private Task<RunningGateway> StartAsync(TimeProvider? time, params string[] settings) => RunningGateway.StartAsync(
        [
            .. _certificate.PemSettings,
            $"Ingest:Auth:PasswordFile={_passwordFile}",
            "Ingest:Smtp:AcceptedDomains:0=example.com",
            .. settings,
        ],
        time is null ? null : services => services.AddSingleton(time));

    private static ObservedTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private static MimeMessage Message(string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.org"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "over TLS";
        message.Body = new TextPart("plain") { Text = "Sent through STARTTLS.\r\n.leading dot\r\n" };
        return message;
    }

    private SmtpClient Client(List<string>? seenThumbprints = null) => new()
    {
        // Trust exactly the test certificate, nothing else.
        ServerCertificateValidationCallback = (_, certificate, _, _) =>
        {
            var thumbprint = new X509Certificate2(certificate!).Thumbprint;
            seenThumbprints?.Add(thumbprint);
            return thumbprint == _certificate.Thumbprint;
        },
    };

    [Fact]
    public async Task MailKitDeliversOverStartTlsAfterAuthPlainAndMayRelay()
    {
        await using var gateway = await StartAsync();
        using var client = Client();
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains("PLAIN", client.AuthenticationMechanisms);
        client.AuthenticationMechanisms.Clear();
        client.AuthenticationMechanisms.Add("PLAIN");
        await client.AuthenticateAsync("alice", Password);
        // Not an accepted domain: only an authenticated client may relay there.
        var message = Message("bob@elsewhere.example");
        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        var file = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles()));
        Assert.Contains("with ESMTPSA id ", file.Prelude);
        Assert.Matches(@"\(TLSv1\.[23]\) tls TLS_[A-Z0-9_]+;", file.Prelude);
        Assert.Equal(MailKitSend.Wire(message, international: false), file.Message);
    }

    [Fact]
    public async Task AuthIsNotOfferedBeforeStartTlsAndRelayIsRefusedWithoutIt()
    {
        await using var gateway = await StartAsync();
        await using var raw = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await raw.ExpectAsync("220");
        await raw.SendAsync("EHLO c.test\r\n");
        var ehlo = await raw.ExpectAsync("250");
        Assert.Contains("STARTTLS", ehlo);
        Assert.DoesNotContain("AUTH", ehlo);
        await raw.SendAsync("AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
        await raw.ExpectAsync("538 5.7.11");
        await raw.SendAsync("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@elsewhere.example>\r\n");
        await raw.ExpectAsync("250");
        await raw.ExpectAsync("550 5.7.1");
    }

    [Fact]
    public async Task WrongPasswordIsRefusedWith535()
    {
        await using var gateway = await StartAsync();
        using var client = Client();
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.StartTls);
        var error = await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => client.AuthenticateAsync("alice", "guess"));
        Assert.Contains("535", error.Message + (error.InnerException?.Message ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlaintextPipelinedBehindStartTlsOnTheWireIsRefused()
    {
        await using var gateway = await StartAsync();
        await using var raw = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await raw.ExpectAsync("220");
        await raw.SendAsync("EHLO c.test\r\n");
        await raw.ExpectAsync("250");
        // One write: the injected command reaches the server in the same read as STARTTLS.
        await raw.SendAsync("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n");
        await raw.ExpectAsync("554 5.5.0");
        Assert.True(await raw.IsClosedAsync());
    }

    [Fact]
    public async Task MailKitDeliversOverImplicitTls()
    {
        await using var gateway = await StartAsync("Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:0");
        using var client = Client();
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        await client.AuthenticateAsync("alice", Password);
        await client.SendAsync(Message("carol@example.com"));
        await client.DisconnectAsync(quit: true);
        Assert.Contains("with ESMTPSA id ", await File.ReadAllTextAsync(Assert.Single(gateway.DeliveredFiles())));
    }

    [Fact]
    public async Task APkcs12CertificateWorksToo()
    {
        await using var gateway = await RunningGateway.StartAsync(
        [
            $"Ingest:Server:Tls:Certificate={_certificate.Pkcs12Path}",
            $"Ingest:Server:Tls:CertificatePassword={TestCertificate.Pkcs12Password}",
        ]);
        using var client = Client();
        await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
    }

    [Fact]
    public async Task ARotatedCertificateIsServedToTheNextConnectionWithoutARestart()
    {
        await using var gateway = await StartAsync();
        var seen = new List<string>();
        var before = _certificate.Thumbprint;
        using (var client = Client(seen))
        {
            await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.StartTls);
            await client.DisconnectAsync(quit: true);
        }

        _certificate.Write("CN=rotated.gw.test");
        using (var client = Client(seen))
        {
            await client.ConnectAsync(gateway.EndPoint.Address.ToString(), gateway.EndPoint.Port, SecureSocketOptions.StartTls);
            await client.DisconnectAsync(quit: true);
        }

        Assert.Equal([before, _certificate.Thumbprint], seen);
        Assert.NotEqual(before, _certificate.Thumbprint);
    }

    [Fact]
    public async Task AClientLimitedToTls12GetsTls12AndItIsRecorded()
    {
        await using var gateway = await StartAsync("Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:0");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.EndPoint);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "gw.test",
            EnabledSslProtocols = SslProtocols.Tls12,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        Assert.Equal(SslProtocols.Tls12, tls.SslProtocol);
        var reader = new StreamReader(tls, Encoding.ASCII);
        Assert.StartsWith("220 ", await reader.ReadLineAsync());
        await tls.WriteAsync("EHLO c.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r@example.com>\r\nDATA\r\n"u8.ToArray());
        string? line;
        var replies = new List<string>();
        while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("354", StringComparison.Ordinal))
        {
            replies.Add(line);
        }

        await tls.WriteAsync("Subject: tls12\r\n\r\nhello\r\n.\r\nQUIT\r\n"u8.ToArray());
        Assert.StartsWith("250 2.0.0", await reader.ReadLineAsync());
        Assert.Contains("(TLSv1.2) tls TLS_", await File.ReadAllTextAsync(Assert.Single(gateway.DeliveredFiles())));
    }

    [Fact]
    public async Task AClientThatNeverCompletesTheHandshakeIsDisconnectedAfterTheTimeout()
    {
        var time = Clock();
        var timeout = TimeSpan.FromSeconds(7);
        await using var gateway = await StartAsync(time, "Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:0", $"Ingest:Server:Tls:HandshakeTimeout={timeout}");
        using var failures = new MetricCollector<long>(gateway.Services.GetRequiredService<SmtpSessionFactory>().Metrics.Meter, "smtp.server.tls.handshake.failures");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.EndPoint);
        // The server says nothing on an implicit TLS endpoint; it waits for the handshake on its clock.
        await time.WhenArmedAsync(timeout).WaitAsync(Bound);
        var read = tcp.GetStream().ReadAsync(new byte[16]).AsTask();
        Assert.False(read.IsCompleted, "closed before the handshake timeout");
        Assert.Empty(failures.GetMeasurementSnapshot());

        time.Advance(timeout);
        Assert.Equal(0, await read.WaitAsync(Bound));
        // Closed because the timeout passed, not for any other reason.
        var failure = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal(TlsMetrics.Timeout, failure.Tags["error.type"]);
    }

    [Fact]
    public async Task WhereTlsIsRequiredMailBeforeStartTlsGets530()
    {
        await using var gateway = await StartAsync("Ingest:Server:Tls:RequiredEndpoints:0=127.0.0.1:0");
        await using var raw = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await raw.ExpectAsync("220");
        await raw.SendAsync("EHLO c.test\r\nMAIL FROM:<a@example.org>\r\n");
        await raw.ExpectAsync("250");
        await raw.ExpectAsync("530 5.7.0");
    }

    [Theory]
    [InlineData("Ingest:Server:Tls:Certificate=/nonexistent/cert.pem", "Ingest:Server:Tls:Certificate")]
    [InlineData("Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:0", "Ingest:Server:Tls:Certificate")]
    [InlineData("Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.9:465", "Ingest:Server:Tls:ImplicitEndpoints:0")]
    [InlineData("Ingest:Auth:PasswordFile=/nonexistent/users", "Ingest:Auth:PasswordFile")]
    [InlineData("Ingest:Auth:MaxFailuresPerSession=0", "Ingest:Auth:MaxFailuresPerSession")]
    public async Task InvalidTlsOrAuthConfigurationStopsStartUpNamingTheKey(string setting, string key)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = IngestApp.Build(["--Ingest:Server:Endpoints:0=127.0.0.1:0", "--Ingest:Management:Endpoint=", "--" + setting]);
            await app.StartAsync();
        });
        Assert.Contains(exception.Failures, failure => failure.StartsWith(key + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AKeyThatDoesNotMatchTheCertificateStopsStartUp()
    {
        using var other = TestCertificate.Create("CN=other");
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = IngestApp.Build(
            [
                "--Ingest:Server:Endpoints:0=127.0.0.1:0",
                "--Ingest:Management:Endpoint=",
                $"--Ingest:Server:Tls:Certificate={_certificate.CertificatePath}",
                $"--Ingest:Server:Tls:CertificateKey={other.KeyPath}",
            ]);
            await app.StartAsync();
        });
        Assert.Contains(exception.Failures, failure => failure.StartsWith("Ingest:Server:Tls:Certificate:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStalledTlsSessionTimesOutWith421OverTls()
    {
        // The session's timeout cancels a pending read of the pipe over SslStream; the 421 must still go out encrypted.
        var time = Clock();
        var timeout = TimeSpan.FromSeconds(90);
        await using var gateway = await StartAsync(time, "Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:0", $"Ingest:Smtp:CommandTimeout={timeout}");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.EndPoint);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "gw.test", RemoteCertificateValidationCallback = (_, _, _, _) => true });
        var reader = new StreamReader(tls, Encoding.ASCII);
        Assert.StartsWith("220 ", await reader.ReadLineAsync().WaitAsync(Bound));
        // Half a command, then silence. The session arms the command timeout once it has read these
        // octets, so when the timer is armed it is past the greeting's flush and waiting on the read
        // (the idle timer, armed before that flush, could fire into it on a fake clock).
        await tls.WriteAsync("NO"u8.ToArray());
        await time.WhenArmedAsync(timeout).WaitAsync(Bound);
        var next = reader.ReadLineAsync();
        Assert.False(next.IsCompleted, "answered before the timeout");

        time.Advance(timeout);
        Assert.StartsWith("421 4.4.2", await next.WaitAsync(Bound));
        Assert.Null(await reader.ReadLineAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task OverTheConnectionLimitAnImplicitTlsEndpointClosesBeforeAnyHandshake()
    {
        await using var gateway = await StartAsync("Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:0", "Ingest:Server:MaxConnections=1");
        using var first = new TcpClient();
        await first.ConnectAsync(gateway.EndPoint);
        await using var tls = new SslStream(first.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "gw.test", RemoteCertificateValidationCallback = (_, _, _, _) => true });
        Assert.StartsWith("220 ", await new StreamReader(tls, Encoding.ASCII).ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));

        // A plaintext 421 would be garbage to a TLS client: the second connection is closed unanswered.
        using var second = new TcpClient();
        await second.ConnectAsync(gateway.EndPoint);
        var buffer = new byte[64];
        Assert.Equal(0, await second.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task OnAProxiedImplicitTlsEndpointThePROXYHeaderComesFirstAndItsClientReachesTheReceivedHeader()
    {
        await using var gateway = await StartAsync(
            "Ingest:Server:Tls:ImplicitEndpoints:0=127.0.0.1:0",
            "Ingest:Server:ProxyProtocol:Endpoints:0=127.0.0.1:0",
            "Ingest:Server:ProxyProtocol:TrustedNetworks:0=127.0.0.0/8");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.EndPoint);
        // The balancer's header in the clear, then the client's TLS (HAProxy send-proxy in TCP mode).
        await tcp.GetStream().WriteAsync("PROXY TCP4 203.0.113.9 192.0.2.1 40000 465\r\n"u8.ToArray());
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "gw.test", RemoteCertificateValidationCallback = (_, _, _, _) => true });
        var reader = new StreamReader(tls, Encoding.ASCII);
        Assert.StartsWith("220 ", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        await tls.WriteAsync("EHLO c.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r@example.com>\r\nDATA\r\n"u8.ToArray());
        while ((await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)))?.StartsWith("354", StringComparison.Ordinal) == false)
        {
        }

        await tls.WriteAsync("Subject: proxied\r\n\r\nhello\r\n.\r\n"u8.ToArray());
        Assert.StartsWith("250 2.0.0", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        var received = MaildirFile.Read(Assert.Single(gateway.DeliveredFiles())).Prelude;
        Assert.Contains("([203.0.113.9])", received);
        Assert.Contains(") tls TLS_", received);
    }
}
