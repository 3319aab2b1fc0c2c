using System.Text;
using Ingest.Authentication.Dkim;
using Ingest.Authentication.Dmarc;
using Ingest.Authentication.Spf;
using Ingest.Delivery;

namespace Ingest.Authentication;

/// <summary>
/// Writes the verdicts as an Authentication-Results header field (RFC 8601 2.2) and as the compact
/// forms of the Kafka record headers. Every value that came from outside (domains, selectors,
/// reasons drawn from DNS or the message) is reduced to a token or a quoted-string, comments to
/// printable ASCII without parentheses, and lengths are capped, so no input can inject header
/// content, and the whole stays within <see cref="AuthenticationVerdicts.MaxBytes"/>.
/// </summary>
internal static class AuthenticationResults
{
    private const int MaxHeaderBytes = 3072;
    private const int MaxCompactBytes = 1000;

    public static AuthenticationVerdicts Build(
        string authServId, string reversePath, SpfVerdict spf, IReadOnlyList<DkimVerdict> dkim, string? dkimProblem, int ignoredSignatures, DmarcVerdict dmarc)
    {
        var header = new StringBuilder(512);
        header.Append("Authentication-Results: ").Append(Token(authServId, 253)).Append(";\r\n\tspf=").Append(ResultNames.Of(spf.Result));
        Comment(header, spf.Reason);
        if (spf.FromHelo)
        {
            header.Append("\r\n\tsmtp.helo=").Append(Token(spf.Domain, 253));
        }
        else
        {
            // RFC 8601 2.7.2: smtp.mailfrom carries the address, or its domain when the local part is not a plain dot-atom.
            header.Append("\r\n\tsmtp.mailfrom=").Append(IsPlainAddress(reversePath) ? reversePath : Token(spf.Domain, 253));
        }

        var compactDkim = new List<string>(dkim.Count);
        var compactBytes = 0;
        if (dkim.Count == 0)
        {
            header.Append(";\r\n\tdkim=").Append(dkimProblem is null ? "none" : "permerror");
            Comment(header, dkimProblem ?? "no signature");
        }

        foreach (var signature in dkim)
        {
            var entry = new StringBuilder(256);
            entry.Append(";\r\n\tdkim=").Append(ResultNames.Of(signature.Result));
            var reason = signature.Reason;
            if (signature.BodyLengthLimit is { } limit)
            {
                // l= is reported: how much of the body the signature covers.
                reason += $"; l={limit} of {signature.BodyLength} body octets";
            }

            Comment(entry, reason);
            entry.Append("\r\n\theader.d=").Append(Token(signature.Domain, 253))
                .Append(" header.s=").Append(Token(signature.Selector, 63))
                .Append(" header.a=").Append(Token(signature.Algorithm, 32));
            if (signature.SignaturePrefix.Length > 0)
            {
                // RFC 6008: the first characters of b= tell several signatures apart.
                entry.Append(" header.b=").Append(Quoted(signature.SignaturePrefix, 8));
            }

            var compact = $"{ResultNames.Of(signature.Result)} {Compact(signature.Domain, 253)} {Compact(signature.Selector, 63)} {Compact(signature.Algorithm, 32)}";
            if (header.Length + entry.Length > MaxHeaderBytes - 512 || compactBytes + compact.Length > MaxCompactBytes - 400)
            {
                ignoredSignatures++;
                continue;
            }

            header.Append(entry);
            compactDkim.Add(compact);
            compactBytes += compact.Length;
        }

        if (ignoredSignatures > 0)
        {
            Comment(header, $"{ignoredSignatures} more signature(s) not verified");
        }

        header.Append(";\r\n\tdmarc=").Append(ResultNames.Of(dmarc.Result));
        var policy = dmarc.Policy is { } p ? $"p={ResultNames.Of(p)}{(dmarc.Testing ? " t=y" : "")} dis={ResultNames.Of(dmarc.Disposition)}; {dmarc.Reason}" : dmarc.Reason;
        Comment(header, policy);
        if (dmarc.FromDomain is { } from)
        {
            header.Append("\r\n\theader.from=").Append(Token(from, 253));
        }

        header.Append("\r\n");
        return new AuthenticationVerdicts
        {
            HeaderField = Encoding.ASCII.GetBytes(header.ToString()),
            Spf = $"{ResultNames.Of(spf.Result)} {Compact(spf.Domain, 253)}",
            Dkim = compactDkim,
            Dmarc = $"{ResultNames.Of(dmarc.Result)} {Compact(dmarc.FromDomain ?? "", 253)} {(dmarc.Policy is { } applied ? ResultNames.Of(applied) : "-")}",
        };
    }

    /// <summary>A comment (RFC 5322 3.2.2) of printable ASCII, parentheses and backslashes replaced, at most 120 characters.</summary>
    private static void Comment(StringBuilder builder, string text)
    {
        builder.Append(" (");
        foreach (var c in text.Length > 120 ? text[..120] : text)
        {
            builder.Append(c is >= ' ' and <= '~' and not ('(' or ')' or '\\') ? c : '?');
        }

        builder.Append(')');
    }

    /// <summary>An RFC 2045 token when the value is one, otherwise a quoted-string.</summary>
    private static string Token(string value, int max)
    {
        if (value.Length is > 0 && value.Length <= max && value.All(c => c is > ' ' and <= '~' and not ('(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=')))
        {
            return value;
        }

        return Quoted(value, max);
    }

    private static string Quoted(string value, int max)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value.Length > max ? value[..max] : value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c is >= ' ' and <= '~' ? c : '?');
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>One space-free word for the compact record headers; "-" for nothing.</summary>
    private static string Compact(string value, int max)
    {
        if (value.Length == 0)
        {
            return "-";
        }

        var chars = (value.Length > max ? value[..max] : value).Select(c => c is > ' ' and <= '~' ? c : '?').ToArray();
        return new string(chars);
    }

    private static bool IsPlainAddress(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && address.Length <= 254
            && address.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.@".Contains(c, StringComparison.Ordinal))
            && address.IndexOf('@', StringComparison.Ordinal) == at;
    }
}
