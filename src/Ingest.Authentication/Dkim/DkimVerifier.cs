using System.Security.Cryptography;
using System.Text;
using Ingest.Authentication.Dns;
using Ingest.Authentication.Mail;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Ingest.Authentication.Dkim;

/// <summary>
/// Every DKIM signature of one message (RFC 6376 6), verified while the message streams. The
/// header section is kept (up to a limit) until its empty line; at that moment each signature is
/// parsed, its key lookup started, and its header hash computed, and the section is let go. The
/// body then flows through one <see cref="BodyHasher"/> per distinct (canonicalization, hash, l=),
/// so memory is bounded whatever the body's size. <see cref="FinishAsync"/> compares body hashes,
/// awaits the keys and checks the signatures.
/// </summary>
internal sealed class DkimVerifier : IDisposable
{
    /// <summary>RFC 8301 3.2: shorter RSA keys are not acceptable.</summary>
    public const int MinimumRsaBits = 1024;

    private readonly IDnsResolver _dns;
    private readonly RsaKeyCache _keys;
    private readonly int _maxSignatures;
    private readonly CancellationToken _budget;
    private readonly HeaderCollector _headers;
    private readonly List<Pending> _signatures = [];
    private readonly List<BodyHasher> _hashers = [];
    private readonly Dictionary<string, Task<DnsAnswer>> _earlyKeys = new(StringComparer.OrdinalIgnoreCase);
    private List<HeaderField>? _fields;
    private int _scanned;
    private int _fieldStart;

    public DkimVerifier(IDnsResolver dns, int maxHeaderBytes, int maxSignatures, CancellationToken budget, RsaKeyCache? keys = null)
    {
        _dns = dns;
        _keys = keys ?? new RsaKeyCache();
        _maxSignatures = maxSignatures;
        _budget = budget;
        _headers = new HeaderCollector(maxHeaderBytes);
    }

    /// <summary>The header fields, once the section is complete; DMARC reads From from them.</summary>
    public IReadOnlyList<HeaderField>? Fields => _fields;

    public bool HeaderOverflowed => _headers.Overflowed;

    /// <summary>More DKIM-Signature fields than are verified; the rest are reported as a count.</summary>
    public int IgnoredSignatures { get; private set; }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (!_headers.IsComplete)
        {
            var taken = _headers.Append(bytes);
            bytes = bytes[taken..];
            StartKeyLookups();
            if (!_headers.IsComplete)
            {
                return;
            }

            OnHeaders();
        }

        foreach (var hasher in _hashers)
        {
            hasher.Append(bytes);
        }
    }

    /// <summary>The end of the message: the verdict of every signature, in header order.</summary>
    public async Task<IReadOnlyList<DkimVerdict>> FinishAsync(DateTimeOffset now)
    {
        if (!_headers.IsComplete)
        {
            // A message with no empty line is all header (RFC 5322 2.1: the body is optional).
            OnHeaders();
        }

        var verdicts = new List<DkimVerdict>(_signatures.Count);
        foreach (var pending in _signatures)
        {
            verdicts.Add(await VerifyAsync(pending, now));
        }

        return verdicts;
    }

    /// <summary>
    /// Starts the key lookup of each DKIM-Signature field as soon as the field is complete (its
    /// CRLF is followed by something other than WSP), before the rest of the header section.
    /// </summary>
    private void StartKeyLookups()
    {
        var collected = _headers.Collected;
        while (_earlyKeys.Count < _maxSignatures)
        {
            var end = collected[_scanned..].IndexOf("\r\n"u8);
            if (end < 0 || _scanned + end + 2 >= collected.Length)
            {
                return;
            }

            end += _scanned;
            if (collected[end + 2] is (byte)' ' or (byte)'\t')
            {
                // A fold: the field goes on; look for its end from here.
                _scanned = end + 2;
                continue;
            }

            var field = collected[_fieldStart..end];
            _fieldStart = _scanned = end + 2;
            if (field.Length > 15 && Ascii.EqualsIgnoreCase(field[..15], "DKIM-Signature:"u8)
                && TagList.Parse(Encoding.Latin1.GetString(field[15..])) is { } tags
                && tags["s"] is { Length: > 0 } selector && tags["d"] is { Length: > 0 } domain)
            {
                var name = $"{selector}._domainkey.{domain}";
                if (!_earlyKeys.ContainsKey(name))
                {
                    _earlyKeys[name] = _dns.QueryAsync(name, DnsType.Txt, _budget).AsTask();
                }
            }
        }
    }

    private void OnHeaders()
    {
        var overflowed = _headers.Overflowed;
        _fields = _headers.TakeFields();
        if (overflowed)
        {
            return;
        }

        foreach (var field in _fields)
        {
            if (!field.Is("DKIM-Signature"))
            {
                continue;
            }

            if (_signatures.Count == _maxSignatures)
            {
                IgnoredSignatures++;
                continue;
            }

            var signature = DkimSignature.Parse(field.Raw);
            var pending = new Pending(signature);
            _signatures.Add(pending);
            if (signature.Error is not null)
            {
                continue;
            }

            // The key is fetched now, while the body is still arriving.
            var name = $"{signature.Selector}._domainkey.{signature.Domain}";
            pending.Key = _earlyKeys.TryGetValue(name, out var started) ? started : _dns.QueryAsync(name, DnsType.Txt, _budget).AsTask();
            pending.HeaderHash = HeaderHash(signature, _fields);
            pending.Body = Hasher(signature);
        }
    }

    private BodyHasher Hasher(DkimSignature signature)
    {
        var algorithm = signature.Algorithm == DkimAlgorithm.RsaSha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        foreach (var hasher in _hashers)
        {
            if (hasher.Relaxed == signature.RelaxedBody && hasher.Algorithm == algorithm && hasher.Limit == signature.BodyLengthLimit)
            {
                return hasher;
            }
        }

        var created = new BodyHasher(signature.RelaxedBody, algorithm, signature.BodyLengthLimit);
        _hashers.Add(created);
        return created;
    }

    /// <summary>RFC 6376 3.7: the signed fields, then this field with b= emptied and no final CRLF.</summary>
    private static byte[] HeaderHash(DkimSignature signature, IReadOnlyList<HeaderField> fields)
    {
        var data = new StringBuilder(1024);
        HeaderCanonicalization.AppendSigned(data, fields, signature.SignedHeaders, signature.RelaxedHeaders);
        var unsigned = signature.RawField.Remove(signature.SignatureValueStart, signature.SignatureValueLength);
        var canonical = HeaderCanonicalization.Canonicalize(unsigned, signature.RelaxedHeaders);
        data.Append(canonical.AsSpan(0, canonical.Length - 2));
        var bytes = Encoding.Latin1.GetBytes(data.ToString());
        return signature.Algorithm == DkimAlgorithm.RsaSha1 ? SHA1.HashData(bytes) : SHA256.HashData(bytes);
    }

    private async Task<DkimVerdict> VerifyAsync(Pending pending, DateTimeOffset now)
    {
        var signature = pending.Signature;
        var body = pending.Body;
        DkimVerdict Verdict(DkimResult result, string reason) => new(
            result, signature.Domain, signature.Selector, signature.AlgorithmName, signature.SignaturePrefix,
            signature.BodyLengthLimit, body?.CanonicalLength ?? 0, reason);

        if (signature.Error is { } error)
        {
            return Verdict(DkimResult.PermError, error);
        }

        // RFC 6376 3.5 x=: an expired signature does not verify.
        if (signature.Expires is { } expires && expires < now)
        {
            return Verdict(DkimResult.Fail, "signature expired");
        }

        var bodyHash = body!.Finish();
        // RFC 6376 3.5 l=: a limit beyond the body means the body is not what was signed.
        if (signature.BodyLengthLimit is { } limit && limit > body.CanonicalLength)
        {
            return Verdict(DkimResult.Fail, "l= exceeds the body");
        }

        if (!CryptographicOperations.FixedTimeEquals(bodyHash, signature.BodyHash))
        {
            return Verdict(DkimResult.Fail, "body hash did not verify");
        }

        DnsAnswer answer;
        try
        {
            answer = await pending.Key!;
        }
        catch (OperationCanceledException)
        {
            return Verdict(DkimResult.TempError, "key lookup: DNS time budget exhausted");
        }

        if (answer.IsTemporaryFailure)
        {
            return Verdict(DkimResult.TempError, answer.Status == DnsStatus.Timeout ? "key lookup timed out" : "key lookup failed (server failure)");
        }

        if (answer.Values.Count == 0)
        {
            return Verdict(DkimResult.PermError, "no key");
        }

        var key = DkimKey.Parse(answer.Values[0], signature, out var keyError);
        if (key is null)
        {
            return Verdict(DkimResult.PermError, keyError!);
        }

        var testing = key.Testing ? " (key in testing mode)" : "";
        if (key.IsEd25519)
        {
            // RFC 8463 3: Ed25519 (PureEdDSA) over the SHA-256 header hash.
            var valid = key.Data.Length == Ed25519.PublicKeySize && signature.Signature.Length == Ed25519.SignatureSize
                && Ed25519.Verify(signature.Signature, 0, key.Data, 0, pending.HeaderHash!, 0, pending.HeaderHash!.Length);
            return valid ? Verdict(DkimResult.Pass, "good signature" + testing) : Verdict(DkimResult.Fail, "signature did not verify");
        }

        var rsa = _keys.Rent(key.Encoded, key.Data);
        if (rsa is null)
        {
            return Verdict(DkimResult.PermError, "key is not an RSA public key");
        }

        bool verified;
        int keySize;
        try
        {
            keySize = rsa.KeySize;
            verified = rsa.VerifyHash(pending.HeaderHash!, signature.Signature,
                signature.Algorithm == DkimAlgorithm.RsaSha1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            _keys.Return(key.Encoded, rsa);
        }
        if (!verified)
        {
            return Verdict(DkimResult.Fail, "signature did not verify");
        }

        // RFC 8301 3.1 and 3.2: rsa-sha1 and keys under 1024 bits verify, but are not acceptable.
        if (keySize < MinimumRsaBits)
        {
            return Verdict(DkimResult.Policy, $"good signature, but a {keySize}-bit key (RFC 8301)");
        }

        return signature.Algorithm == DkimAlgorithm.RsaSha1
            ? Verdict(DkimResult.Policy, "good signature, but rsa-sha1 (RFC 8301)")
            : Verdict(DkimResult.Pass, "good signature" + testing);
    }

    public void Dispose()
    {
        _headers.Dispose();
        foreach (var hasher in _hashers)
        {
            hasher.Dispose();
        }
    }

    private sealed class Pending(DkimSignature signature)
    {
        public DkimSignature Signature { get; } = signature;

        public Task<DnsAnswer>? Key { get; set; }

        public byte[]? HeaderHash { get; set; }

        public BodyHasher? Body { get; set; }
    }
}
