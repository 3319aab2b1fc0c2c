namespace Ingest.Authentication.Dkim;

/// <summary>A DKIM key record (RFC 6376 3.6.1; RFC 8463 4 for k=ed25519), checked against the signature that wants it.</summary>
internal sealed class DkimKey
{
    private DkimKey(bool ed25519, string encoded, byte[] data, bool testing)
    {
        IsEd25519 = ed25519;
        Encoded = encoded;
        Data = data;
        Testing = testing;
    }

    public bool IsEd25519 { get; }

    /// <summary>The p= bytes: SubjectPublicKeyInfo or RSAPublicKey for RSA, 32 raw bytes for Ed25519.</summary>
    public byte[] Data { get; }

    /// <summary>The p= text, whitespace removed: the key's identity for <see cref="RsaKeyCache"/>.</summary>
    public string Encoded { get; }

    /// <summary>t=y: the domain is testing DKIM (RFC 6376 3.6.1); reported, not acted on.</summary>
    public bool Testing { get; }

    /// <summary>Parses the record for <paramref name="signature"/>; null with the reason when it is unusable.</summary>
    public static DkimKey? Parse(string text, DkimSignature signature, out string? error)
    {
        var tags = TagList.Parse(text);
        if (tags is null)
        {
            error = "malformed key record";
            return null;
        }

        // 3.6.1 v=: if present, DKIM1 and first.
        if (tags["v"] is { } version && (version != "DKIM1" || tags.FirstTag != "v"))
        {
            error = "key record version is not DKIM1";
            return null;
        }

        var type = (tags["k"] ?? "rsa").ToLowerInvariant();
        var ed25519 = signature.Algorithm == DkimAlgorithm.Ed25519Sha256;
        if (type != (ed25519 ? "ed25519" : "rsa"))
        {
            error = $"key type {Clip(type)} does not match {signature.AlgorithmName}";
            return null;
        }

        // 3.6.1 h=: the hash algorithms the key may be used with.
        var hash = signature.Algorithm == DkimAlgorithm.RsaSha1 ? "sha1" : "sha256";
        if (tags["h"] is { } hashes && !hashes.Split(':').Any(h => h.Trim().Equals(hash, StringComparison.OrdinalIgnoreCase)))
        {
            error = $"key does not allow {hash}";
            return null;
        }

        // 3.6.1 s=: "*" or a list naming "email".
        if (tags["s"] is { } services && !services.Split(':').Any(s => s.Trim() is "*" or "email"))
        {
            error = "key is not for email";
            return null;
        }

        var flags = (tags["t"] ?? "").Split(':').Select(flag => flag.Trim()).ToArray();
        if (tags["p"] is not { } p)
        {
            error = "key record has no p=";
            return null;
        }

        var encoded = TagList.WithoutWhitespace(p);
        if (encoded.Length == 0)
        {
            // 3.6.1: an empty p= means the key was revoked.
            error = "key revoked";
            return null;
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            error = "key is not base64";
            return null;
        }

        // t=s: the i= domain must be d= itself, not a subdomain.
        if (flags.Contains("s") && signature.Identity is { } identity
            && !identity.EndsWith("@" + signature.Domain, StringComparison.OrdinalIgnoreCase))
        {
            error = "key requires i= in d= exactly (t=s)";
            return null;
        }

        error = null;
        return new DkimKey(ed25519, encoded, data, flags.Contains("y"));
    }

    private static string Clip(string text) => text.Length <= 16 ? text : text[..16];
}
