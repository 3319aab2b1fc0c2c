using System.Net;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ingest.Authentication;
using Ingest.Authentication.Dns;
using Ingest.Session;

namespace Ingest.Benchmarks;

/// <summary>
/// One message's SPF, DKIM (rsa-sha256, 2048-bit key, simple/simple) and DMARC, all passing, over a
/// resolver answering from memory: the CPU of verification itself with a warm DNS cache, at 1 KB
/// and 100 KB. <see cref="RsaImportAndVerify"/> isolates the public-key step.
/// </summary>
[MemoryDiagnoser]
public class SenderVerificationBenchmark
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");
    private SenderVerifier _verifier = null!;
    private byte[] _message = [];
    private byte[] _spki = [];
    private byte[] _signature = [];
    private byte[] _digest = [];

    [Params(1024, 100 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var rsa = RSA.Create(2048);
        _spki = rsa.ExportSubjectPublicKeyInfo();
        var body = new StringBuilder();
        while (body.Length < Size)
        {
            body.Append("line of a message about the quick brown fox and the lazy dog, padded to size.\r\n");
        }

        var headers = "From: <a@example.com>\r\nTo: <b@example.net>\r\nSubject: cost\r\n";
        var bh = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(body.ToString())));
        var unsigned = $"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=example.com; s=sel; h=from:to:subject; bh={bh}; b=";
        _digest = SHA256.HashData(Encoding.ASCII.GetBytes(headers + unsigned));
        _signature = rsa.SignHash(_digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _message = Encoding.ASCII.GetBytes(unsigned + Convert.ToBase64String(_signature) + "\r\n" + headers + "\r\n" + body);
        var dns = new MemoryResolver(new()
        {
            [("example.com", DnsType.Txt)] = ["v=spf1 ip4:192.0.2.0/24 -all"],
            [("_dmarc.example.com", DnsType.Txt)] = ["v=DMARC1; p=reject"],
            [("sel._domainkey.example.com", DnsType.Txt)] = ["v=DKIM1; k=rsa; p=" + Convert.ToBase64String(_spki)],
        });
        _verifier = new SenderVerifier(new AuthenticationOptions { Enabled = true }, "gw.example", dns, TimeProvider.System, AuthenticationMetrics.Standalone());
        if (!Encoding.ASCII.GetString(Verify().Verdicts!.HeaderField).Contains("dkim=pass", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the canned message does not verify");
        }
    }

    [Benchmark]
    public VerificationOutcome Verify()
    {
        using var verification = _verifier.Start(new SenderInfo(Client, "mail.example.com", "a@example.com", false));
        for (var offset = 0; offset < _message.Length; offset += 64 * 1024)
        {
            verification.Append(_message.AsSpan(offset, Math.Min(64 * 1024, _message.Length - offset)));
        }

        return verification.FinishAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public bool RsaImportAndVerify()
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(_spki, out _);
        return rsa.VerifyHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    [Benchmark]
    public bool RsaVerifyOnly() => _imported.VerifyHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private RSA _imported = null!;

    [GlobalSetup(Target = nameof(RsaVerifyOnly))]
    public void SetupImported()
    {
        Setup();
        _imported = RSA.Create();
        _imported.ImportSubjectPublicKeyInfo(_spki, out _);
    }

    private sealed class MemoryResolver(Dictionary<(string, DnsType), string[]> records) : IDnsResolver
    {
        public ValueTask<DnsAnswer> QueryAsync(string name, DnsType type, CancellationToken cancellationToken) =>
            ValueTask.FromResult(records.TryGetValue((name, type), out var values) ? new DnsAnswer(DnsStatus.Ok, values) : DnsAnswer.NxDomain);
    }
}
