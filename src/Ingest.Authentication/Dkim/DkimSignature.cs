using System.Globalization;

namespace Ingest.Authentication.Dkim;

/// <summary>
/// A parsed DKIM-Signature header field (RFC 6376 3.5). <see cref="Parse"/> checks what 6.1.1
/// requires before any key is fetched: v=1, the required tags, h= naming From, i= within d=, a
/// known algorithm and canonicalization, q=dns/txt. A signature that fails these is kept with its
/// <see cref="Error"/>, to be reported as a permerror.
/// </summary>
internal sealed class DkimSignature
{
    public required string RawField { get; init; }

    /// <summary>Where the b= value sits in <see cref="RawField"/>, to be emptied for hashing.</summary>
    public int SignatureValueStart { get; init; }

    public int SignatureValueLength { get; init; }

    public string Domain { get; init; } = "";

    public string Selector { get; init; } = "";

    public string AlgorithmName { get; init; } = "";

    public DkimAlgorithm Algorithm { get; init; }

    public byte[] Signature { get; init; } = [];

    public byte[] BodyHash { get; init; } = [];

    public bool RelaxedHeaders { get; init; }

    public bool RelaxedBody { get; init; }

    public IReadOnlyList<string> SignedHeaders { get; init; } = [];

    public long? BodyLengthLimit { get; init; }

    /// <summary>The i= identity, when given.</summary>
    public string? Identity { get; init; }

    public DateTimeOffset? Expires { get; init; }

    public string SignaturePrefix { get; init; } = "";

    /// <summary>Why the signature cannot be verified at all; null when it is well formed.</summary>
    public string? Error { get; init; }

    /// <param name="rawField">The whole field as received, name and colon included, without its final CRLF.</param>
    public static DkimSignature Parse(string rawField)
    {
        var colon = rawField.IndexOf(':', StringComparison.Ordinal);
        var valueOffset = colon + 1;
        var tags = TagList.Parse(rawField[valueOffset..]);
        if (tags is null)
        {
            return Invalid(rawField, "malformed tag list");
        }

        var domain = tags["d"] ?? "";
        var selector = tags["s"] ?? "";
        var algorithmName = (tags["a"] ?? "").ToLowerInvariant();
        var b = TagList.WithoutWhitespace(tags["b"] ?? "");
        var prefix = b.Length > 8 ? b[..8] : b;
        DkimSignature Fail(string error) => new()
        {
            RawField = rawField, Domain = domain, Selector = selector, AlgorithmName = algorithmName, SignaturePrefix = prefix, Error = error,
        };

        if (tags["v"] != "1")
        {
            return Fail("v= is not 1");
        }

        // RFC 6376 6.1.1: a, b, bh, d, h, s are required.
        foreach (var required in (ReadOnlySpan<string>)["a", "b", "bh", "d", "h", "s"])
        {
            if (string.IsNullOrEmpty(tags[required]))
            {
                return Fail($"{required}= missing");
            }
        }

        DkimAlgorithm algorithm;
        switch (algorithmName)
        {
            case "rsa-sha256":
                algorithm = DkimAlgorithm.RsaSha256;
                break;
            case "rsa-sha1":
                algorithm = DkimAlgorithm.RsaSha1;
                break;
            case "ed25519-sha256":
                algorithm = DkimAlgorithm.Ed25519Sha256;
                break;
            default:
                return Fail("unknown algorithm");
        }

        // RFC 6376 3.5 c=: header/body, each "simple" or "relaxed"; a lone value is the header's, the body then simple.
        var canonicalization = (tags["c"] ?? "simple/simple").ToLowerInvariant();
        var slash = canonicalization.IndexOf('/', StringComparison.Ordinal);
        var header = slash < 0 ? canonicalization : canonicalization[..slash];
        var body = slash < 0 ? "simple" : canonicalization[(slash + 1)..];
        if (header is not ("simple" or "relaxed") || body is not ("simple" or "relaxed"))
        {
            return Fail("unknown canonicalization");
        }

        // RFC 6376 3.5 q=: only dns/txt exists.
        if (tags["q"] is { } query && !query.Split(':').Any(method => method.Trim().Equals("dns/txt", StringComparison.OrdinalIgnoreCase)))
        {
            return Fail("unknown query method");
        }

        var signedHeaders = tags["h"]!.Split(':').Select(name => name.Trim()).ToArray();
        // RFC 6376 5.4: From MUST be signed.
        if (!signedHeaders.Any(name => name.Equals("from", StringComparison.OrdinalIgnoreCase)))
        {
            return Fail("h= does not include From");
        }

        // RFC 6376 3.5 i=: the identity's domain is d= or a subdomain of it.
        if (tags["i"] is { } identity)
        {
            var at = identity.LastIndexOf('@');
            var identityDomain = at < 0 ? "" : identity[(at + 1)..];
            if (at < 0 || !(identityDomain.Equals(domain, StringComparison.OrdinalIgnoreCase) || identityDomain.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase)))
            {
                return Fail("i= is not within d=");
            }
        }

        long? limit = null;
        if (tags["l"] is { } l)
        {
            if (l.Length is 0 or > 76 || !long.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return Fail("malformed l=");
            }

            limit = parsed;
        }

        DateTimeOffset? expires = null;
        if (tags["x"] is { } x && long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            expires = DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799));
        }

        byte[] signature;
        byte[] bodyHash;
        try
        {
            signature = Convert.FromBase64String(b);
            bodyHash = Convert.FromBase64String(TagList.WithoutWhitespace(tags["bh"]!));
        }
        catch (FormatException)
        {
            return Fail("b= or bh= is not base64");
        }

        var range = tags.ValueRange("b")!.Value;
        return new DkimSignature
        {
            RawField = rawField,
            SignatureValueStart = valueOffset + range.Start,
            SignatureValueLength = range.Length,
            Domain = domain,
            Selector = selector,
            AlgorithmName = algorithmName,
            Algorithm = algorithm,
            Signature = signature,
            BodyHash = bodyHash,
            RelaxedHeaders = header == "relaxed",
            RelaxedBody = body == "relaxed",
            SignedHeaders = signedHeaders,
            BodyLengthLimit = limit,
            Identity = tags["i"],
            Expires = expires,
            SignaturePrefix = prefix,
        };
    }

    private static DkimSignature Invalid(string rawField, string error) => new() { RawField = rawField, Error = error };
}
