using System.Text.Unicode;

namespace Ingest.Protocol;

/// <summary>Validators for RFC 5321 4.1.2 Domain and 4.1.3 address literals.</summary>
public static class DomainSyntax
{
    // RFC 5321 4.5.3.1.2: a domain is at most 255 octets.
    public const int MaxDomainLength = 255;

    /// <summary>
    /// Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]. With
    /// <paramref name="allowUtf8"/>, a label may also hold UTF-8 (RFC 6531 3.3 U-labels).
    /// </summary>
    public static bool IsValidDomain(ReadOnlySpan<byte> domain, bool allowUtf8)
    {
        if (domain.IsEmpty || domain.Length > MaxDomainLength)
        {
            return false;
        }

        var labelStart = 0;
        var nonAscii = false;
        for (var i = 0; i <= domain.Length; i++)
        {
            if (i < domain.Length && domain[i] != (byte)'.')
            {
                var b = domain[i];
                if (CharClass.IsNonAscii(b))
                {
                    if (!allowUtf8)
                    {
                        return false;
                    }

                    nonAscii = true;
                }
                else if (!CharClass.IsLetDig(b) && b != (byte)'-')
                {
                    return false;
                }

                continue;
            }

            var label = domain[labelStart..i];
            // RFC 1035 2.3.4: labels are 63 octets or less; LDH labels neither start nor end with '-'.
            if (label.IsEmpty || label.Length > 63 || label[0] == (byte)'-' || label[^1] == (byte)'-')
            {
                return false;
            }

            labelStart = i + 1;
        }

        return !nonAscii || Utf8.IsValid(domain);
    }

    /// <summary>address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]" (RFC 5321 4.1.3).</summary>
    public static bool IsValidAddressLiteral(ReadOnlySpan<byte> literal)
    {
        if (literal.Length < 3 || literal[0] != (byte)'[' || literal[^1] != (byte)']')
        {
            return false;
        }

        var inner = literal[1..^1];
        if (inner.Length > 5 && System.Text.Ascii.EqualsIgnoreCase(inner[..5], "IPv6:"u8))
        {
            return IsValidIPv6(inner[5..]);
        }

        // General-address-literal needs an IANA-registered tag; none but IPv6 exists, so refuse.
        return IsValidIPv4(inner);
    }

    /// <summary>IPv4-address-literal = Snum 3("." Snum); Snum = 1*3DIGIT representing 0-255.</summary>
    public static bool IsValidIPv4(ReadOnlySpan<byte> text)
    {
        var parts = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && CharClass.IsDigit(text[i]) && i - start < 3)
            {
                value = value * 10 + (text[i] - '0');
                i++;
            }

            if (i == start || value > 255)
            {
                return false;
            }

            parts++;
            if (i == text.Length)
            {
                return parts == 4;
            }

            if (text[i] != (byte)'.' || parts == 4)
            {
                return false;
            }

            i++;
        }
    }

    /// <summary>
    /// IPv6-addr per RFC 5321 4.1.3: full (8 groups), compressed ("::" plus at most 6 groups), and
    /// the same with a trailing IPv4 address (6 groups, or "::" plus at most 4).
    /// </summary>
    public static bool IsValidIPv6(ReadOnlySpan<byte> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        var groups = 0;
        var compressed = false;
        var i = 0;
        if (text.StartsWith("::"u8))
        {
            compressed = true;
            i = 2;
            if (i == text.Length)
            {
                return true;
            }
        }
        else if (text[0] == (byte)':')
        {
            return false;
        }

        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && CharClass.IsHex(text[i]) && i - start < 5)
            {
                i++;
            }

            if (i < text.Length && text[i] == (byte)'.')
            {
                // Trailing IPv4: only in the last position, standing for two groups.
                if (!IsValidIPv4(text[start..]))
                {
                    return false;
                }

                groups += 2;
                i = text.Length;
                break;
            }

            var length = i - start;
            if (length is 0 or > 4)
            {
                return false;
            }

            groups++;
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != (byte)':')
            {
                return false;
            }

            i++;
            if (i < text.Length && text[i] == (byte)':')
            {
                if (compressed)
                {
                    return false;
                }

                compressed = true;
                i++;
                if (i == text.Length)
                {
                    break;
                }
            }
            else if (i == text.Length)
            {
                return false;
            }
        }

        // "::" stands for at least two groups of zeros (RFC 5321 4.1.3).
        return compressed ? groups <= 6 : groups == 8;
    }
}
