using System.Buffers.Binary;

namespace Ingest.Protocol;

/// <summary>
/// The address and port tokens of a version 1 PROXY line (spec 2.1), parsed straight into
/// numbers. Stricter than IPAddress.TryParse on purpose: no leading zeros, no short IPv4 forms.
/// </summary>
internal static class ProxyAddressText
{
    /// <summary>Exactly four decimal numbers 0-255 separated by single dots, without leading zeros.</summary>
    public static bool TryParseIPv4(ReadOnlySpan<byte> text, out uint address)
    {
        address = 0;
        for (var part = 0; part < 4; part++)
        {
            var end = part < 3 ? text.IndexOf((byte)'.') : text.Length;
            if (end < 0 || !TryParseDecimal(text[..end], 255, out var value))
            {
                return false;
            }

            address = (address << 8) | (uint)value;
            text = part < 3 ? text[(end + 1)..] : [];
        }

        return true;
    }

    /// <summary>
    /// Colon-separated groups of 1-4 hex digits, with at most one "::" standing for one or more
    /// zero groups; 128 bits in all (spec 2.1). A trailing dotted IPv4 part is accepted too,
    /// because senders format with inet_ntop, which writes mapped addresses as ::ffff:192.0.2.1.
    /// </summary>
    public static bool TryParseIPv6(ReadOnlySpan<byte> text, out UInt128 address)
    {
        address = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1;
        var i = 0;
        if (text.StartsWith("::"u8))
        {
            gap = 0;
            i = 2;
        }

        while (i < text.Length)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && i - start < 5 && CharClass.IsHex(text[i]))
            {
                value = (value << 4) | HexValue(text[i]);
                i++;
            }

            if (i < text.Length && text[i] == '.')
            {
                if (count > 6 || !TryParseIPv4(text[start..], out var tail))
                {
                    return false;
                }

                groups[count++] = (ushort)(tail >> 16);
                groups[count++] = (ushort)tail;
                i = text.Length;
                break;
            }

            if (i == start || i - start > 4 || count == 8)
            {
                return false;
            }

            groups[count++] = (ushort)value;
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != ':' || ++i == text.Length)
            {
                return false;
            }

            if (text[i] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                i++;
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        var tailCount = gap < 0 ? 0 : count - gap;
        var headCount = count - tailCount;
        for (var g = 0; g < headCount; g++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes[(g * 2)..], groups[g]);
        }

        for (var g = 0; g < tailCount; g++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes[((8 - tailCount + g) * 2)..], groups[headCount + g]);
        }

        address = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }

    /// <summary>A decimal 0-65535 without leading zeros (spec 2.1).</summary>
    public static bool TryParsePort(ReadOnlySpan<byte> text, out ushort port)
    {
        var ok = TryParseDecimal(text, ushort.MaxValue, out var value);
        port = (ushort)value;
        return ok;
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> text, int max, out int value)
    {
        value = 0;
        // "Heading zeroes are not permitted ... to avoid any possible confusion with octal" (spec 2.1).
        if (text.IsEmpty || text.Length > 5 || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        foreach (var b in text)
        {
            if (!CharClass.IsDigit(b))
            {
                return false;
            }

            value = value * 10 + (b - '0');
        }

        return value <= max;
    }

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
