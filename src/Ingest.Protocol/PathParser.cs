using System.Text.Unicode;

namespace Ingest.Protocol;

/// <summary>
/// RFC 5321 4.1.2 paths: Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;", with RFC 6531 UTF-8 where the
/// caller allows it. The mailbox is returned as a range of the input: the caller creates the one
/// string the envelope needs.
/// </summary>
public static class PathParser
{
    // RFC 5321 4.5.3.1.1 and 4.5.3.1.3.
    public const int MaxLocalPartLength = 64;
    public const int MaxPathLength = 256;

    /// <param name="text">Starts at the '&lt;'; may continue past the '&gt;'.</param>
    /// <param name="allowNull">Reverse-path: "&lt;&gt;" is the null sender (RFC 5321 4.5.5).</param>
    /// <param name="allowBarePostmaster">Forward-path: "&lt;Postmaster&gt;" needs no domain (RFC 5321 4.1.1.3).</param>
    /// <param name="consumed">Octets up to and including the '&gt;'.</param>
    /// <param name="mailbox">The Mailbox without angle brackets or source route.</param>
    /// <param name="nonAscii">Whether the mailbox holds UTF-8 (needs SMTPUTF8, RFC 6531 3.3).</param>
    public static PathStatus Parse(
        ReadOnlySpan<byte> text, bool allowNull, bool allowBarePostmaster,
        out int consumed, out Range mailbox, out bool nonAscii)
    {
        consumed = 0;
        mailbox = default;
        nonAscii = false;
        if (text.Length < 2 || text[0] != (byte)'<')
        {
            return PathStatus.Invalid;
        }

        if (text[1] == (byte)'>')
        {
            consumed = 2;
            return allowNull ? PathStatus.NullPath : PathStatus.Invalid;
        }

        var i = 1;
        // A-d-l (source route): accepted and ignored, RFC 5321 4.1.1.3 and appendix C.
        var routed = text[i] == (byte)'@';
        if (routed)
        {
            if (!SkipSourceRoute(text, ref i))
            {
                return PathStatus.Invalid;
            }
        }

        var start = i;
        if (!ParseLocalPart(text, ref i, ref nonAscii))
        {
            return PathStatus.Invalid;
        }

        var localLength = i - start;
        if (i >= text.Length)
        {
            return PathStatus.Invalid;
        }

        if (text[i] == (byte)'>')
        {
            // "<Postmaster>" has no route in the grammar (RFC 5321 4.1.1.3).
            if (!allowBarePostmaster || routed || !System.Text.Ascii.EqualsIgnoreCase(text[start..i], "postmaster"u8))
            {
                return PathStatus.Invalid;
            }

            mailbox = start..i;
            consumed = i + 1;
            return PathStatus.Ok;
        }

        if (text[i] != (byte)'@')
        {
            return PathStatus.Invalid;
        }

        i++;
        var domainStart = i;
        if (i < text.Length && text[i] == (byte)'[')
        {
            var close = text[i..].IndexOf((byte)']');
            if (close < 0)
            {
                return PathStatus.Invalid;
            }

            i += close + 1;
            if (!DomainSyntax.IsValidAddressLiteral(text[domainStart..i]))
            {
                return PathStatus.Invalid;
            }
        }
        else
        {
            var end = text[i..].IndexOf((byte)'>');
            if (end < 0)
            {
                return PathStatus.Invalid;
            }

            i += end;
            var domain = text[domainStart..i];
            if (!DomainSyntax.IsValidDomain(domain, allowUtf8: true))
            {
                return PathStatus.Invalid;
            }

            nonAscii |= !System.Text.Ascii.IsValid(domain);
        }

        if (i >= text.Length || text[i] != (byte)'>')
        {
            return PathStatus.Invalid;
        }

        mailbox = start..i;
        consumed = i + 1;
        if (localLength > MaxLocalPartLength || consumed > MaxPathLength ||
            i - domainStart > DomainSyntax.MaxDomainLength)
        {
            return PathStatus.TooLong;
        }

        return !nonAscii || Utf8.IsValid(text[mailbox]) ? PathStatus.Ok : PathStatus.Invalid;
    }

    private static bool ParseLocalPart(ReadOnlySpan<byte> text, ref int i, ref bool nonAscii)
    {
        if (i >= text.Length)
        {
            return false;
        }

        if (text[i] == (byte)'"')
        {
            // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
            i++;
            while (i < text.Length)
            {
                var b = text[i];
                if (b == (byte)'"')
                {
                    i++;
                    return true;
                }

                if (b == (byte)'\\')
                {
                    // quoted-pairSMTP = %d92 %d32-126
                    if (i + 1 >= text.Length || text[i + 1] < 32 || text[i + 1] > 126)
                    {
                        return false;
                    }

                    i += 2;
                    continue;
                }

                if (CharClass.IsNonAscii(b))
                {
                    nonAscii = true;
                }
                else if (!CharClass.IsQtextSmtp(b))
                {
                    return false;
                }

                i++;
            }

            return false;
        }

        // Dot-string = Atom *("." Atom): no leading, trailing or doubled dots.
        var atomLength = 0;
        while (i < text.Length)
        {
            var b = text[i];
            if (b == (byte)'.')
            {
                if (atomLength == 0)
                {
                    return false;
                }

                atomLength = 0;
            }
            else if (CharClass.IsAtext(b))
            {
                atomLength++;
            }
            else if (CharClass.IsNonAscii(b))
            {
                nonAscii = true;
                atomLength++;
            }
            else
            {
                break;
            }

            i++;
        }

        return atomLength > 0;
    }

    private static bool SkipSourceRoute(ReadOnlySpan<byte> text, ref int i)
    {
        // A-d-l = At-domain *( "," At-domain ) ; At-domain = "@" Domain
        while (true)
        {
            if (i >= text.Length || text[i] != (byte)'@')
            {
                return false;
            }

            var start = ++i;
            while (i < text.Length && text[i] != (byte)',' && text[i] != (byte)':' && text[i] != (byte)'>')
            {
                i++;
            }

            if (i >= text.Length || !DomainSyntax.IsValidDomain(text[start..i], allowUtf8: false))
            {
                return false;
            }

            if (text[i] == (byte)':')
            {
                i++;
                return true;
            }

            if (text[i] != (byte)',')
            {
                return false;
            }

            i++;
        }
    }
}
