using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Unicode;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// The RFC 5321 4.1.2/4.1.3 grammar for domains and IPv4 literals written out plainly, by splitting
/// on dots, as the oracle for <see cref="Ingest.Protocol.DomainSyntax"/>'s single-pass validators.
/// </summary>
internal static class DomainReference
{
    /// <summary>sub-domain *("." sub-domain); labels of 1-63 octets (RFC 1035 2.3.4) of letters, digits and inner hyphens; 255 in all.</summary>
    public static bool IsDomain(ReadOnlySpan<byte> domain, bool allowUtf8)
    {
        if (domain.IsEmpty || domain.Length > 255)
        {
            return false;
        }

        foreach (var range in domain.Split((byte)'.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == (byte)'-' || label[^1] == (byte)'-')
            {
                return false;
            }

            foreach (var b in label)
            {
                var ok = char.IsAsciiLetterOrDigit((char)b) || b == (byte)'-' || (allowUtf8 && b >= 0x80);
                if (!ok)
                {
                    return false;
                }
            }
        }

        // RFC 6531 3.3: U-labels are UTF-8.
        return Ascii.IsValid(domain) || Utf8.IsValid(domain);
    }

    /// <summary>Snum 3("." Snum); Snum = 1*3DIGIT representing 0-255.</summary>
    public static bool IsIPv4(ReadOnlySpan<byte> text)
    {
        var parts = 0;
        foreach (var range in text.Split((byte)'.'))
        {
            var part = text[range];
            if (++parts > 4 || part.IsEmpty || part.Length > 3)
            {
                return false;
            }

            var value = 0;
            foreach (var b in part)
            {
                if (!char.IsAsciiDigit((char)b))
                {
                    return false;
                }

                value = value * 10 + (b - '0');
            }

            if (value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    /// <summary>
    /// Whether the framework reads it as IPv6. A trailing IPv4 part is checked against
    /// <see cref="IsIPv4"/> and handed over as 0.0.0.0: RFC 5321's Snum allows leading zeros
    /// ("::ffff:001.2.3.4"), which IPAddress refuses inside an IPv6 address.
    /// </summary>
    public static bool IsFrameworkIPv6(ReadOnlySpan<byte> text)
    {
        if (!Ascii.IsValid(text))
        {
            return false;
        }

        var hex = text;
        var dot = text.IndexOf((byte)'.');
        if (dot >= 0)
        {
            var colon = text[..dot].LastIndexOf((byte)':');
            if (colon < 0 || !IsIPv4(text[(colon + 1)..]))
            {
                return false;
            }

            hex = text[..(colon + 1)];
        }

        var candidate = Encoding.ASCII.GetString(hex) + (dot >= 0 ? "0.0.0.0" : "");
        return IPAddress.TryParse(candidate, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }
}
