using System.Text;

namespace Ingest.Protocol;

/// <summary>
/// The DSN encodings of ESMTP values: xtext (RFC 3461 4) and the utf-8 address type's
/// utf-8-addr-xtext / utf-8-addr-unitext (RFC 6533 3). Decoding is allocation-free into a caller's
/// buffer; a decoded value is never longer than its encoding, so a destination of the source's
/// length always suffices.
/// </summary>
public static class Xtext
{
    /// <summary>
    /// RFC 3461 4: xtext = *( xchar / hexchar ); xchar is "!" to "~" except "+" and "=";
    /// hexchar = "+" two upper-case hex digits. False on anything else.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> xtext, Span<byte> destination, out int written)
    {
        written = 0;
        for (var i = 0; i < xtext.Length; i++)
        {
            var b = xtext[i];
            if (b == (byte)'+')
            {
                if (i + 2 >= xtext.Length || UpperHex(xtext[i + 1]) is not (>= 0 and var high) || UpperHex(xtext[i + 2]) is not (>= 0 and var low))
                {
                    return false;
                }

                destination[written++] = (byte)((high << 4) | low);
                i += 2;
            }
            else if (b is >= 0x21 and <= 0x7E && b != (byte)'=')
            {
                destination[written++] = b;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// RFC 6533 3: utf-8-addr-unitext = 1*(QUCHAR / EmbeddedUnicodeChar), of which
    /// utf-8-addr-xtext is the ASCII-only form. QCHAR is "!" to "~" except "+", "=" and "\";
    /// QUCHAR adds well-formed UTF-8 beyond ASCII; EmbeddedUnicodeChar = "\x{" HEXPOINT "}", one
    /// code point in the fewest hex digits (at least two), for a character QCHAR cannot carry.
    /// Decodes into UTF-8. False on anything else, including an empty value.
    /// </summary>
    public static bool TryDecodeUnitext(ReadOnlySpan<byte> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        var i = 0;
        while (i < text.Length)
        {
            var b = text[i];
            if (b == (byte)'\\')
            {
                if (!TryReadEmbedded(text[i..], out var scalar, out var length))
                {
                    return false;
                }

                written += new Rune(scalar).EncodeToUtf8(destination[written..]);
                i += length;
            }
            else if (b >= 0x80)
            {
                // QUCHAR's UTF8-2 / UTF8-3 / UTF8-4 (RFC 6532 3.1): whole, well-formed sequences only.
                if (Rune.DecodeFromUtf8(text[i..], out _, out var length) != System.Buffers.OperationStatus.Done)
                {
                    return false;
                }

                text.Slice(i, length).CopyTo(destination[written..]);
                written += length;
                i += length;
            }
            else if (b is >= 0x21 and <= 0x7E && b != (byte)'+' && b != (byte)'=')
            {
                destination[written++] = b;
                i++;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"\x{" HEXPOINT "}" at the start of <paramref name="text"/>.</summary>
    private static bool TryReadEmbedded(ReadOnlySpan<byte> text, out int scalar, out int length)
    {
        scalar = 0;
        length = 0;
        if (text.Length < 6 || text[1] != (byte)'x' || text[2] != (byte)'{')
        {
            return false;
        }

        var close = text[3..].IndexOf((byte)'}');
        if (close is < 2 or > 6)
        {
            return false;
        }

        var digits = text.Slice(3, close);
        foreach (var digit in digits)
        {
            var value = AnyHex(digit);
            if (value < 0)
            {
                return false;
            }

            scalar = (scalar << 4) | value;
        }

        // HEXPOINT: no leading zero beyond the two-digit minimum, no surrogate, nothing past
        // U+10FFFF, and an ASCII character only where QCHAR cannot carry it (controls, SP, "+",
        // "=", "\", DEL); NUL never.
        var fewest = scalar < 0x100 ? 2 : scalar < 0x1000 ? 3 : scalar < 0x10000 ? 4 : scalar < 0x100000 ? 5 : 6;
        var needsEscape = scalar >= 0x80 || scalar <= 0x20 || scalar is '+' or '=' or '\\' or 0x7F;
        if (digits.Length != fewest || scalar == 0 || scalar > 0x10FFFF || scalar is >= 0xD800 and <= 0xDFFF || !needsEscape)
        {
            return false;
        }

        length = 3 + close + 1;
        return true;
    }

    private static int UpperHex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    // ABNF strings are case-insensitive (RFC 5234 2.3), so HEXPOINT's letters may be either case.
    private static int AnyHex(byte b) => b switch
    {
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        _ => UpperHex(b),
    };
}
