using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Ingest.Authentication.Tests;

/// <summary>Signing keys made once per test run, and their DNS records.</summary>
internal static class DkimKeys
{
    public static readonly Lazy<(AsymmetricKeyParameter Private, string Record)> Rsa1024 = new(() => Rsa(1024));
    public static readonly Lazy<(AsymmetricKeyParameter Private, string Record)> Rsa2048 = new(() => Rsa(2048));
    public static readonly Lazy<(AsymmetricKeyParameter Private, string Record)> Rsa512 = new(() => Rsa(512));
    public static readonly Lazy<(AsymmetricKeyParameter Private, string Record)> Ed25519 = new(() =>
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        return (pair.Private, "v=DKIM1; k=ed25519; p=" + Convert.ToBase64String(((Ed25519PublicKeyParameters)pair.Public).GetEncoded()));
    });

    private static (AsymmetricKeyParameter, string) Rsa(int bits)
    {
        using var rsa = RSA.Create(bits);
        var pair = DotNetUtilities.GetRsaKeyPair(rsa.ExportParameters(includePrivateParameters: true));
        return (pair.Private, "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>MimeKit signs: the independent signer.</summary>
    public static byte[] Sign(
        MimeMessage message,
        AsymmetricKeyParameter key,
        string domain,
        string selector,
        DkimSignatureAlgorithm algorithm = DkimSignatureAlgorithm.RsaSha256,
        DkimCanonicalizationAlgorithm header = DkimCanonicalizationAlgorithm.Relaxed,
        DkimCanonicalizationAlgorithm body = DkimCanonicalizationAlgorithm.Relaxed)
    {
        var signer = new DkimSigner(key, domain, selector, algorithm)
        {
            HeaderCanonicalizationAlgorithm = header,
            BodyCanonicalizationAlgorithm = body,
        };
        signer.Sign(Format, message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
        return Bytes(message);
    }

    public static readonly FormatOptions Format = new() { NewLineFormat = NewLineFormat.Dos };

    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(Format, stream);
        return stream.ToArray();
    }

    public static MimeMessage Message(string from = "alice@example.com", string body = "Hello,\r\n\r\nthis is a test  message.\r\n\r\n\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("bob@example.net"));
        message.Subject = "DKIM test";
        message.Date = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        message.MessageId = "test@example.com";
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>MimeKit verifies: the independent verifier, over the same key records.</summary>
    public static bool MimeKitVerifies(byte[] bytes, IReadOnlyDictionary<string, string> records)
    {
        using var stream = new MemoryStream(bytes);
        var message = MimeMessage.Load(stream);
        var verifier = new MimeKit.Cryptography.DkimVerifier(new Locator(records));
        verifier.Enable(DkimSignatureAlgorithm.RsaSha1);
        var index = message.Headers.IndexOf(HeaderId.DkimSignature);
        try
        {
            return index >= 0 && verifier.Verify(Format, message, message.Headers[index]);
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ParseException)
        {
            // No key, or a signature MimeKit cannot read: not verified.
            return false;
        }
    }

    private sealed class Locator(IReadOnlyDictionary<string, string> records) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            records.TryGetValue($"{selector}._domainkey.{domain}", out var record) ? GetPublicKey(record) : throw new InvalidOperationException("no key");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
