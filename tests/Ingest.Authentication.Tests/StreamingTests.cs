using System.Text;
using Ingest.Authentication.Dkim;
using MimeKit.Cryptography;
using DkimVerifier = Ingest.Authentication.Dkim.DkimVerifier;

namespace Ingest.Authentication.Tests;

/// <summary>The body hash runs as bytes arrive: a 50 MB message verifies with memory that does not grow with it.</summary>
public sealed class StreamingTests : IDisposable
{
    private readonly TestDnsServer _dns = new();

    [Theory]
    [InlineData(DkimCanonicalizationAlgorithm.Relaxed)]
    [InlineData(DkimCanonicalizationAlgorithm.Simple)]
    public async Task AFiftyMegabyteSignedMessageVerifiesWithMemoryFlat(DkimCanonicalizationAlgorithm canonicalization)
    {
        _dns.Txt("big._domainkey.example.com", DkimKeys.Rsa2048.Value.Record);
        var line = "The quick brown fox jumps over the lazy dog,  again\tand again. 0123456789\r\n";
        var body = new StringBuilder(50 * 1024 * 1024 + line.Length);
        while (body.Length < 50 * 1024 * 1024)
        {
            body.Append(line);
        }

        var message = DkimKeys.Sign(DkimKeys.Message(body: body.ToString()), DkimKeys.Rsa2048.Value.Private, "example.com", "big",
            DkimSignatureAlgorithm.RsaSha256, canonicalization, canonicalization);
        body.Clear();
        Assert.True(message.Length > 50 * 1024 * 1024);

        using var verifier = new DkimVerifier(_dns.Resolver(), 64 * 1024, 8, CancellationToken.None);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var offset = 0; offset < message.Length; offset += 64 * 1024)
        {
            verifier.Append(message.AsSpan(offset, Math.Min(64 * 1024, message.Length - offset)));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var verdict = Assert.Single(await verifier.FinishAsync(DateTimeOffset.UtcNow));
        Assert.Equal(DkimResult.Pass, verdict.Result);
        // The header section, the parsed signature, one hasher and the key query: tens of KB, not 50 MB.
        Assert.True(allocated < 512 * 1024, $"{allocated} bytes allocated streaming {message.Length} bytes");
    }

    public void Dispose() => _dns.Dispose();
}
