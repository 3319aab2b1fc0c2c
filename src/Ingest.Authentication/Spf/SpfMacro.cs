using System.Text;

namespace Ingest.Authentication.Spf;

/// <summary>
/// SPF macros (RFC 7208 7): %{letter digits r delimiters}, %%, %_ and %-. The c, r and t letters
/// belong to exp= text only (7.2), which an inbound gateway never expands.
/// </summary>
internal static class SpfMacro
{
    private const string Letters = "slodiphv";
    private const string ExplanationLetters = "crt";
    private const string Delimiters = ".-+,/_=";

    /// <summary>Whether the text's macros are well formed (RFC 7208 7.1 macro-string).</summary>
    public static bool IsValid(string text, bool allowExplanationLetters)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x21 || c > 0x7e)
            {
                return false;
            }

            if (c != '%')
            {
                continue;
            }

            if (++i >= text.Length)
            {
                return false;
            }

            if (text[i] is '%' or '_' or '-')
            {
                continue;
            }

            if (text[i] != '{' || !TryReadMacro(text, ref i, allowExplanationLetters, out _, out _, out _, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Expands a domain-spec; null when it does not expand to something usable.</summary>
    public static string? Expand(string text, SpfMacroValues values)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                builder.Append(c);
                continue;
            }

            i++;
            switch (text[i])
            {
                case '%':
                    builder.Append('%');
                    continue;
                case '_':
                    builder.Append(' ');
                    continue;
                case '-':
                    builder.Append("%20");
                    continue;
            }

            if (!TryReadMacro(text, ref i, false, out var letter, out var digits, out var reverse, out var delimiters))
            {
                return null;
            }

            var value = char.ToLowerInvariant(letter) switch
            {
                's' => values.Sender,
                'l' => values.LocalPart,
                'o' => values.SenderDomain,
                'd' => values.Domain,
                'i' => values.Ip,
                'p' => values.ValidatedName ?? "unknown",
                'v' => values.IpVersion,
                _ => values.Helo,
            };
            value = Transform(value, digits, reverse, delimiters);
            builder.Append(char.IsUpper(letter) ? Uri.EscapeDataString(value) : value);
        }

        var expanded = builder.ToString();
        // RFC 7208 7.3: an expansion over 253 octets loses labels from the left until it fits.
        while (expanded.Length > 253)
        {
            var dot = expanded.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                return null;
            }

            expanded = expanded[(dot + 1)..];
        }

        return expanded;
    }

    public static bool UsesValidatedName(string text) =>
        text.Contains("%{p", StringComparison.Ordinal) || text.Contains("%{P", StringComparison.Ordinal);

    private static string Transform(string value, int digits, bool reverse, string delimiters)
    {
        if (digits == 0 && !reverse && delimiters.Length == 0)
        {
            return value;
        }

        var parts = value.Split(delimiters.Length == 0 ? ['.'] : delimiters.ToCharArray());
        if (reverse)
        {
            Array.Reverse(parts);
        }

        if (digits > 0 && digits < parts.Length)
        {
            parts = parts[^digits..];
        }

        // RFC 7208 7.3: the parts are rejoined with "." whatever split them.
        return string.Join('.', parts);
    }

    /// <summary>At '{': reads "letter *DIGIT [r] *delimiter }", leaving <paramref name="i"/> on the '}'.</summary>
    private static bool TryReadMacro(string text, ref int i, bool allowExplanationLetters, out char letter, out int digits, out bool reverse, out string delimiters)
    {
        letter = '\0';
        digits = 0;
        reverse = false;
        delimiters = "";
        if (++i >= text.Length)
        {
            return false;
        }

        letter = text[i];
        var lower = char.ToLowerInvariant(letter);
        if (!Letters.Contains(lower, StringComparison.Ordinal) && !(allowExplanationLetters && ExplanationLetters.Contains(lower, StringComparison.Ordinal)))
        {
            return false;
        }

        i++;
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i > start)
        {
            // RFC 7208 7.1: a transformer of zero is an error; large ones mean "all parts" (128 is plenty).
            if (i - start > 3 || !int.TryParse(text.AsSpan(start, i - start), out digits) || digits == 0)
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'r' or 'R')
        {
            reverse = true;
            i++;
        }

        start = i;
        while (i < text.Length && Delimiters.Contains(text[i], StringComparison.Ordinal))
        {
            i++;
        }

        delimiters = text[start..i];
        return i < text.Length && text[i] == '}';
    }
}
