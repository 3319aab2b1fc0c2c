using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ingest.Authentication.Spf;

/// <summary>
/// A parsed SPF record (RFC 7208 4.5, 4.6, 12). The whole record is checked before anything is
/// evaluated: any syntax error is a permerror (4.6), and so is a repeated redirect= or exp= (6).
/// </summary>
internal sealed class SpfRecord
{
    private SpfRecord(List<SpfMechanism> mechanisms, string? redirect)
    {
        Mechanisms = mechanisms;
        Redirect = redirect;
    }

    public IReadOnlyList<SpfMechanism> Mechanisms { get; }

    /// <summary>The redirect= domain-spec, unexpanded (RFC 7208 6.1).</summary>
    public string? Redirect { get; }

    /// <summary>RFC 7208 4.5: "v=spf1" then a space or the end. Case-insensitive, as ABNF literals are.</summary>
    public static bool IsSpf(string text) =>
        text.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (text.Length == 6 || text[6] == ' ');

    public static SpfRecord? Parse(string text, out string? error)
    {
        var mechanisms = new List<SpfMechanism>();
        string? redirect = null;
        var sawExplanation = false;
        foreach (var term in text[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = term.IndexOf('=', StringComparison.Ordinal);
            var colonOrSlash = term.IndexOfAny([':', '/']);
            if (equals > 0 && (colonOrSlash < 0 || equals < colonOrSlash))
            {
                // modifier = name "=" macro-string (RFC 7208 4.6.1, 6).
                var name = term[..equals];
                var value = term[(equals + 1)..];
                if (!IsModifierName(name) || !SpfMacro.IsValid(value, allowExplanationLetters: false))
                {
                    error = $"bad modifier '{Clip(term)}'";
                    return null;
                }

                if (name.Equals("redirect", StringComparison.OrdinalIgnoreCase))
                {
                    if (redirect is not null || !IsDomainSpec(value))
                    {
                        error = redirect is null ? $"bad redirect '{Clip(term)}'" : "redirect= given twice";
                        return null;
                    }

                    redirect = value;
                }
                else if (name.Equals("exp", StringComparison.OrdinalIgnoreCase))
                {
                    // exp= is for rejecting senders' explanations; an inbound gateway ignores it, but a second one is still an error (RFC 7208 6).
                    if (sawExplanation)
                    {
                        error = "exp= given twice";
                        return null;
                    }

                    sawExplanation = true;
                }

                continue;
            }

            var mechanism = ParseDirective(term);
            if (mechanism is null)
            {
                error = $"bad term '{Clip(term)}'";
                return null;
            }

            mechanisms.Add(mechanism);
        }

        error = null;
        return new SpfRecord(mechanisms, redirect);
    }

    private static SpfMechanism? ParseDirective(string term)
    {
        var qualifier = '+';
        var body = term;
        if (body.Length > 0 && body[0] is '+' or '-' or '~' or '?')
        {
            qualifier = body[0];
            body = body[1..];
        }

        var nameEnd = body.IndexOfAny([':', '/']);
        var name = nameEnd < 0 ? body : body[..nameEnd];
        var rest = nameEnd < 0 ? "" : body[nameEnd..];
        switch (name.ToLowerInvariant())
        {
            case "all":
                return rest.Length == 0 ? new SpfMechanism(qualifier, SpfMechanismKind.All, null, 32, 128, null, term) : null;
            case "include":
                return DomainArgument(rest, out var include) && include is not null
                    ? new SpfMechanism(qualifier, SpfMechanismKind.Include, include, 32, 128, null, term) : null;
            case "exists":
                return DomainArgument(rest, out var exists) && exists is not null
                    ? new SpfMechanism(qualifier, SpfMechanismKind.Exists, exists, 32, 128, null, term) : null;
            case "ptr":
                return DomainArgument(rest, out var ptr) ? new SpfMechanism(qualifier, SpfMechanismKind.Ptr, ptr, 32, 128, null, term) : null;
            case "a":
            case "mx":
                if (!SplitDualCidr(rest, out var spec, out var cidr4, out var cidr6) || !DomainArgument(spec, out var domain))
                {
                    return null;
                }

                return new SpfMechanism(qualifier, name.Length == 1 ? SpfMechanismKind.A : SpfMechanismKind.Mx, domain, cidr4, cidr6, null, term);
            case "ip4":
            case "ip6":
                return ParseNetwork(qualifier, name.Equals("ip4", StringComparison.OrdinalIgnoreCase), rest, term);
            default:
                return null;
        }
    }

    private static SpfMechanism? ParseNetwork(char qualifier, bool v4, string rest, string term)
    {
        if (!rest.StartsWith(':'))
        {
            return null;
        }

        var value = rest[1..];
        var max = v4 ? 32 : 128;
        var length = max;
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!TryCidr(value[(slash + 1)..], max, out length))
            {
                return null;
            }

            value = value[..slash];
        }

        // RFC 7208 5.6: ip4 takes dotted quads only; ip6 an IPv6 address.
        if (!IPAddress.TryParse(value, out var address)
            || address.AddressFamily != (v4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6)
            || (v4 && value.Count(c => c == '.') != 3))
        {
            return null;
        }

        return new SpfMechanism(qualifier, v4 ? SpfMechanismKind.Ip4 : SpfMechanismKind.Ip6, null, v4 ? length : 32, v4 ? 128 : length, address, term);
    }

    /// <summary>a and mx: [":" domain-spec] [ "/" ip4-cidr ] [ "//" ip6-cidr ], the lengths read from the end.</summary>
    private static bool SplitDualCidr(string rest, out string spec, out int cidr4, out int cidr6)
    {
        spec = rest;
        cidr4 = 32;
        cidr6 = 128;
        var doubleSlash = spec.LastIndexOf("//", StringComparison.Ordinal);
        if (doubleSlash >= 0 && spec[(doubleSlash + 2)..].All(char.IsAsciiDigit))
        {
            if (!TryCidr(spec[(doubleSlash + 2)..], 128, out cidr6))
            {
                return false;
            }

            spec = spec[..doubleSlash];
        }

        var slash = spec.LastIndexOf('/');
        if (slash >= 0 && spec[(slash + 1)..].All(char.IsAsciiDigit))
        {
            if (!TryCidr(spec[(slash + 1)..], 32, out cidr4))
            {
                return false;
            }

            spec = spec[..slash];
        }

        return true;
    }

    private static bool TryCidr(string digits, int max, out int length) =>
        digits.Length is > 0 and <= 3 && (digits.Length == 1 || digits[0] != '0')
        && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out length) && length <= max
        || Fail(out length);

    private static bool Fail(out int length)
    {
        length = 0;
        return false;
    }

    /// <summary>Empty, or ":" domain-spec.</summary>
    private static bool DomainArgument(string rest, out string? domain)
    {
        domain = null;
        if (rest.Length == 0)
        {
            return true;
        }

        if (rest[0] != ':' || !IsDomainSpec(rest[1..]))
        {
            return false;
        }

        domain = rest[1..];
        return true;
    }

    /// <summary>domain-spec = macro-string domain-end (RFC 7208 7.1): valid macros, ending in a macro or a toplabel.</summary>
    internal static bool IsDomainSpec(string spec)
    {
        if (spec.Length == 0 || !SpfMacro.IsValid(spec, allowExplanationLetters: false))
        {
            return false;
        }

        if (spec.EndsWith('}'))
        {
            return true;
        }

        var trimmed = spec.EndsWith('.') ? spec[..^1] : spec;
        var dot = trimmed.LastIndexOf('.');
        if (dot < 0)
        {
            return false;
        }

        // toplabel: alphanumerics with at least one letter, or hyphenated without leading/trailing hyphen.
        var top = trimmed[(dot + 1)..];
        return top.Length > 0 && top.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && !top.StartsWith('-') && !top.EndsWith('-')
            && (top.Any(char.IsAsciiLetter) || top.Contains('-', StringComparison.Ordinal));
    }

    private static bool IsModifierName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
