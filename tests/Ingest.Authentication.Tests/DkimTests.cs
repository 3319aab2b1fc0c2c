using System.Security.Cryptography;
using System.Text;
using Ingest.Authentication.Dkim;
using MimeKit.Cryptography;
using DkimVerifier = Ingest.Authentication.Dkim.DkimVerifier;

namespace Ingest.Authentication.Tests;

/// <summary>
/// DKIM (RFC 6376, RFC 8463) on messages signed by MimeKit, verified by us over the loopback DNS
/// server and by MimeKit's own verifier, intact and altered in each way that must fail.
/// </summary>
public sealed class DkimTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDnsServer _dns = new();
    private readonly Dictionary<string, string> _records = new(StringComparer.OrdinalIgnoreCase);

    public DkimTests()
    {
        Publish("rsa2048._domainkey.example.com", DkimKeys.Rsa2048.Value.Record);
        Publish("rsa1024._domainkey.example.com", DkimKeys.Rsa1024.Value.Record);
        Publish("rsa512._domainkey.example.com", DkimKeys.Rsa512.Value.Record);
        Publish("ed._domainkey.example.com", DkimKeys.Ed25519.Value.Record);
        Publish("revoked._domainkey.example.com", "v=DKIM1; k=rsa; p=");
        Publish("wrongtype._domainkey.example.com", DkimKeys.Ed25519.Value.Record);
        Publish("sha1only._domainkey.example.com", DkimKeys.Rsa2048.Value.Record.Replace("k=rsa;", "k=rsa; h=sha1;", StringComparison.Ordinal));
        _dns.ServerFailure("broken._domainkey.example.com");
        _dns.NoAnswer("slow._domainkey.example.com");
    }

    private void Publish(string name, string record)
    {
        _records[name] = record;
        _dns.Txt(name, record);
    }

    private async Task<IReadOnlyList<DkimVerdict>> Verify(byte[] message, Action<DkimVerifier, byte[]>? feed = null)
    {
        using var verifier = new DkimVerifier(_dns.Resolver(), 64 * 1024, 8, CancellationToken.None);
        (feed ?? ((v, bytes) => v.Append(bytes)))(verifier, message);
        return await verifier.FinishAsync(Now);
    }

    public static TheoryData<string, DkimSignatureAlgorithm, DkimCanonicalizationAlgorithm, DkimCanonicalizationAlgorithm> Signers() => new()
    {
        { "rsa2048", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed },
        { "rsa2048", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Simple },
        { "rsa2048", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Simple },
        { "rsa1024", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Relaxed },
        { "ed", DkimSignatureAlgorithm.Ed25519Sha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed },
        { "ed", DkimSignatureAlgorithm.Ed25519Sha256, DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Simple },
    };

    private static byte[] Signed(string selector, DkimSignatureAlgorithm algorithm, DkimCanonicalizationAlgorithm header, DkimCanonicalizationAlgorithm body, string? text = null)
    {
        var key = selector switch
        {
            "rsa1024" => DkimKeys.Rsa1024.Value.Private,
            "rsa512" => DkimKeys.Rsa512.Value.Private,
            "ed" => DkimKeys.Ed25519.Value.Private,
            _ => DkimKeys.Rsa2048.Value.Private,
        };
        var message = text is null ? DkimKeys.Message() : DkimKeys.Message(body: text);
        return DkimKeys.Sign(message, key, "example.com", selector, algorithm, header, body);
    }

    [Theory]
    [MemberData(nameof(Signers))]
    public async Task AMessageSignedByMimeKitPassesHereAndThere(string selector, DkimSignatureAlgorithm algorithm, DkimCanonicalizationAlgorithm header, DkimCanonicalizationAlgorithm body)
    {
        var message = Signed(selector, algorithm, header, body);
        var verdict = Assert.Single(await Verify(message));
        Assert.True(DkimKeys.MimeKitVerifies(message, _records));
        Assert.Equal(DkimResult.Pass, verdict.Result);
        Assert.Equal("example.com", verdict.Domain);
        Assert.Equal(selector, verdict.Selector);
        Assert.Equal(algorithm == DkimSignatureAlgorithm.Ed25519Sha256 ? "ed25519-sha256" : "rsa-sha256", verdict.Algorithm);
    }

    public static TheoryData<string, Func<string, string>> Alterations() => new()
    {
        { "a body character", text => text.Replace("test  message", "test  massage", StringComparison.Ordinal) },
        { "a line added to the body", text => text + "P.S. added\r\n" },
        { "a signed header's value", text => text.Replace("Subject: DKIM test", "Subject: DKIM t3st", StringComparison.Ordinal) },
        { "the From address", text => text.Replace("From: alice@example.com", "From: mallory@example.com", StringComparison.Ordinal) },
        { "the body hash", text => ReplaceTag(text, "bh", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=") },
        { "the signature", text => ReplaceTag(text, "b", Convert.ToBase64String(new byte[256])) },
        { "the signing domain", text => ReplaceTag(text, "d", "example.org") },
        { "the header list", text => ReplaceTag(text, "h", "From:To") },
    };

    private static string ReplaceTag(string message, string tag, string value)
    {
        var start = message.IndexOf("DKIM-Signature:", StringComparison.Ordinal);
        var end = message.IndexOf("\r\n", start, StringComparison.Ordinal);
        while (message[end + 2] is ' ' or '\t')
        {
            end = message.IndexOf("\r\n", end + 2, StringComparison.Ordinal);
        }

        var field = message[start..end];
        var tags = field["DKIM-Signature:".Length..].Split(';').Select(part =>
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            return equals > 0 && part[..equals].Trim() == tag ? $" {tag}={value}" : part;
        });
        return message[..start] + "DKIM-Signature:" + string.Join(';', tags) + message[end..];
    }

    [Theory]
    [MemberData(nameof(Alterations))]
    public async Task EachAlterationFailsHereAndThere(string alteration, Func<string, string> alter)
    {
        foreach (var (selector, algorithm) in new[] { ("rsa2048", DkimSignatureAlgorithm.RsaSha256), ("ed", DkimSignatureAlgorithm.Ed25519Sha256) })
        {
            foreach (var canonicalization in new[] { DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Relaxed })
            {
                var message = Encoding.Latin1.GetBytes(alter(Encoding.Latin1.GetString(Signed(selector, algorithm, canonicalization, canonicalization))));
                var verdict = Assert.Single(await Verify(message));
                Assert.False(DkimKeys.MimeKitVerifies(message, _records), $"MimeKit accepted {alteration}");
                Assert.True(verdict.Result is not DkimResult.Pass, $"{alteration} ({selector}, {canonicalization}) passed: {verdict.Reason}");
            }
        }
    }

    [Fact]
    public async Task RelaxedCanonicalizationToleratesWhitespaceAndFoldingThatSimpleDoesNot()
    {
        static byte[] Rewrap(byte[] message) => Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(message)
            .Replace("Subject: DKIM test", "Subject:   DKIM\r\n\t test", StringComparison.Ordinal)
            .Replace("this is a test  message.", "this is a  test message. \t", StringComparison.Ordinal));

        var relaxed = Rewrap(Signed("rsa2048", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed));
        var simple = Rewrap(Signed("rsa2048", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Simple));

        Assert.Equal(DkimResult.Pass, Assert.Single(await Verify(relaxed)).Result);
        Assert.True(DkimKeys.MimeKitVerifies(relaxed, _records));
        Assert.Equal(DkimResult.Fail, Assert.Single(await Verify(simple)).Result);
        Assert.False(DkimKeys.MimeKitVerifies(simple, _records));
    }

    [Fact]
    public async Task TrailingEmptyLinesAreIgnoredByBothCanonicalizations()
    {
        foreach (var canonicalization in new[] { DkimCanonicalizationAlgorithm.Simple, DkimCanonicalizationAlgorithm.Relaxed })
        {
            var message = Signed("rsa2048", DkimSignatureAlgorithm.RsaSha256, canonicalization, canonicalization);
            var padded = message.Concat("\r\n\r\n\r\n"u8.ToArray()).ToArray();
            Assert.Equal(DkimResult.Pass, Assert.Single(await Verify(padded)).Result);
            Assert.True(DkimKeys.MimeKitVerifies(padded, _records));
        }
    }

    [Theory]
    [InlineData("revoked", DkimResult.PermError, "revoked")]
    [InlineData("wrongtype", DkimResult.PermError, "key type")]
    [InlineData("sha1only", DkimResult.PermError, "sha256")]
    [InlineData("missing", DkimResult.PermError, "no key")]
    [InlineData("broken", DkimResult.TempError, "server failure")]
    [InlineData("slow", DkimResult.TempError, "timed out")]
    public async Task KeyProblemsGiveTheirVerdicts(string selector, DkimResult expected, string reason)
    {
        var message = Signed(selector, DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed);
        var verdict = Assert.Single(await Verify(message));
        Assert.True(expected == verdict.Result, verdict.Reason);
        Assert.Contains(reason, verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RsaSha1VerifiesButIsReportedAsPolicy()
    {
        var message = Signed("rsa2048", DkimSignatureAlgorithm.RsaSha1, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed);
        var verdict = Assert.Single(await Verify(message));
        Assert.True(DkimKeys.MimeKitVerifies(message, _records));
        Assert.Equal(DkimResult.Policy, verdict.Result);
        Assert.Equal("rsa-sha1", verdict.Algorithm);
        Assert.Contains("rsa-sha1", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysShorterThan1024BitsAreNotAcceptable()
    {
        var message = Signed("rsa512", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed);
        var verdict = Assert.Single(await Verify(message));
        Assert.Equal(DkimResult.Policy, verdict.Result);
        Assert.Contains("512-bit", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnsignedMessageHasNoVerdicts()
    {
        Assert.Empty(await Verify(DkimKeys.Bytes(DkimKeys.Message())));
    }

    [Fact]
    public async Task TheVerdictIsTheSameWhateverTheSplitOfTheBytes()
    {
        var message = Signed("ed", DkimSignatureAlgorithm.Ed25519Sha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed,
            "line one  \r\n\r\n  indented\ttabbed \r\n\r\n\r\nlast line without end");
        var whole = Assert.Single(await Verify(message));
        Assert.Equal(DkimResult.Pass, whole.Result);
        for (var split = 1; split < message.Length; split++)
        {
            var at = split;
            var verdict = Assert.Single(await Verify(message, (v, bytes) =>
            {
                v.Append(bytes.AsSpan(0, at));
                v.Append(bytes.AsSpan(at));
            }));
            Assert.Equal(whole, verdict);
        }

        Assert.Equal(whole, Assert.Single(await Verify(message, (v, bytes) =>
        {
            foreach (var b in bytes)
            {
                v.Append([b]);
            }
        })));
    }

    [Fact]
    public async Task BodyLengthLimitsAreHonouredAndReported()
    {
        // MimeKit does not write l=: this signature is built here, simple/simple, over "Hello\r\n" (7 octets).
        using var rsa = RSA.Create(2048);
        _dns.Txt("len._domainkey.example.com", "v=DKIM1; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        var bodyHash = Convert.ToBase64String(SHA256.HashData("Hello\r\n"u8));
        var unsigned = $"DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple; d=example.com; s=len; h=from; l=7; bh={bodyHash}; b=";
        var signature = Convert.ToBase64String(rsa.SignData(Encoding.ASCII.GetBytes("From: alice@example.com\r\n" + unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var headers = unsigned + signature + "\r\nFrom: alice@example.com\r\n\r\n";

        var exact = Assert.Single(await Verify(Encoding.ASCII.GetBytes(headers + "Hello\r\n")));
        Assert.Equal(DkimResult.Pass, exact.Result);
        Assert.Equal(7, exact.BodyLength);

        var appended = Assert.Single(await Verify(Encoding.ASCII.GetBytes(headers + "Hello\r\nAppended by someone else\r\n")));
        Assert.Equal(DkimResult.Pass, appended.Result);
        Assert.Equal(7, appended.BodyLengthLimit);
        Assert.Equal(33, appended.BodyLength);

        var shorter = Assert.Single(await Verify(Encoding.ASCII.GetBytes(headers + "Hell")));
        Assert.Equal(DkimResult.Fail, shorter.Result);
    }

    [Fact]
    public async Task AHeaderSectionOverTheLimitIsReportedNotKept()
    {
        var message = Signed("rsa2048", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed);
        var padding = string.Concat(Enumerable.Repeat("X-Padding: " + new string('x', 70) + "\r\n", 100));
        var big = Encoding.ASCII.GetBytes(padding).Concat(message).ToArray();
        using var verifier = new DkimVerifier(_dns.Resolver(), 4096, 8, CancellationToken.None);
        verifier.Append(big);
        Assert.Empty(await verifier.FinishAsync(Now));
        Assert.True(verifier.HeaderOverflowed);
    }

    [Fact]
    public async Task SeveralSignaturesAreEachVerified()
    {
        var message = DkimKeys.Message();
        DkimKeys.Sign(message, DkimKeys.Rsa2048.Value.Private, "example.com", "rsa2048");
        var twice = DkimKeys.Sign(message, DkimKeys.Ed25519.Value.Private, "example.com", "ed", DkimSignatureAlgorithm.Ed25519Sha256);
        var verdicts = await Verify(twice);
        Assert.Equal(2, verdicts.Count);
        Assert.All(verdicts, verdict => Assert.Equal(DkimResult.Pass, verdict.Result));
        Assert.Equal(["ed", "rsa2048"], verdicts.Select(verdict => verdict.Selector));
    }

    [Fact]
    public async Task TheKeyLookupStartsAsSoonAsTheSignatureFieldEnds()
    {
        var message = Signed("rsa2048", DkimSignatureAlgorithm.RsaSha256, DkimCanonicalizationAlgorithm.Relaxed, DkimCanonicalizationAlgorithm.Relaxed);
        var recording = new RecordingResolver(_dns.Resolver());
        using var verifier = new DkimVerifier(recording, 64 * 1024, 8, CancellationToken.None);
        var text = Encoding.Latin1.GetString(message);
        // MimeKit puts the signature first: feed it and the first byte of the next field only.
        var next = text.IndexOf("\r\nFrom:", StringComparison.Ordinal) + 3;
        verifier.Append(message.AsSpan(0, next - 1));
        Assert.Empty(recording.Asked);
        verifier.Append(message.AsSpan(next - 1, 1));
        Assert.Equal(["rsa2048._domainkey.example.com"], recording.Asked);

        verifier.Append(message.AsSpan(next));
        Assert.Equal(DkimResult.Pass, Assert.Single(await verifier.FinishAsync(Now)).Result);
        Assert.Single(recording.Asked);
    }

    public void Dispose() => _dns.Dispose();

    private sealed class RecordingResolver(Ingest.Authentication.Dns.IDnsResolver inner) : Ingest.Authentication.Dns.IDnsResolver
    {
        public List<string> Asked { get; } = [];

        public ValueTask<Ingest.Authentication.Dns.DnsAnswer> QueryAsync(string name, Ingest.Authentication.Dns.DnsType type, CancellationToken cancellationToken)
        {
            Asked.Add(name);
            return inner.QueryAsync(name, type, cancellationToken);
        }
    }
}
