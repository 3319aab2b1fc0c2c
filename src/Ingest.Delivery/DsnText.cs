using System.Globalization;
using System.Text;

namespace Ingest.Delivery;

/// <summary>
/// DSN values as text for the sinks: the keywords of RFC 3461 4.1 and 4.3, and the encodings a
/// value needs to go back on the wire: xtext (RFC 3461 4) and utf-8-addr-xtext (RFC 6533 3).
/// </summary>
public static class DsnText
{
    /// <summary>"NEVER", or SUCCESS, FAILURE and DELAY comma-separated (RFC 3461 4.1); empty for None.</summary>
    public static string Notify(NotifyConditions notify)
    {
        if ((notify & NotifyConditions.Never) != 0)
        {
            return "NEVER";
        }

        var parts = new List<string>(3);
        if ((notify & NotifyConditions.Success) != 0)
        {
            parts.Add("SUCCESS");
        }

        if ((notify & NotifyConditions.Failure) != 0)
        {
            parts.Add("FAILURE");
        }

        if ((notify & NotifyConditions.Delay) != 0)
        {
            parts.Add("DELAY");
        }

        return string.Join(',', parts);
    }

    /// <summary>The inverse of <see cref="Notify(NotifyConditions)"/>, case-insensitive; None for anything else.</summary>
    public static NotifyConditions ParseNotify(string? text)
    {
        var notify = NotifyConditions.None;
        foreach (var element in (text ?? "").Split(','))
        {
            notify |= element.ToUpperInvariant() switch
            {
                "NEVER" => NotifyConditions.Never,
                "SUCCESS" => NotifyConditions.Success,
                "FAILURE" => NotifyConditions.Failure,
                "DELAY" => NotifyConditions.Delay,
                _ => NotifyConditions.None,
            };
        }

        return notify;
    }

    /// <summary>"FULL" or "HDRS" (RFC 3461 4.3); null when unspecified.</summary>
    public static string? Return(ReturnContent value) => value switch
    {
        ReturnContent.Full => "FULL",
        ReturnContent.Headers => "HDRS",
        _ => null,
    };

    /// <summary>The inverse of <see cref="Return(ReturnContent)"/>, case-insensitive.</summary>
    public static ReturnContent ParseReturn(string? text) => text?.ToUpperInvariant() switch
    {
        "FULL" => ReturnContent.Full,
        "HDRS" => ReturnContent.Headers,
        _ => ReturnContent.Unspecified,
    };

    /// <summary>
    /// RFC 3461 4: xtext. Octets outside "!" to "~", and "+" and "=", become "+" and two upper-case
    /// hex digits; the text is taken as UTF-8.
    /// </summary>
    public static string Xtext(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x21 and <= 0x7E && b != '+' && b != '=')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('+').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// RFC 6533 3: utf-8-addr-xtext, the ASCII form of a utf-8 address: every character that QCHAR
    /// cannot carry (beyond ASCII, controls, SP, "+", "=", "\", DEL) as "\x{HEX}" in the fewest
    /// upper-case digits, at least two.
    /// </summary>
    public static string Utf8AddressXtext(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var rune in value.EnumerateRunes())
        {
            var scalar = rune.Value;
            if (scalar is >= 0x21 and <= 0x7E && scalar != '+' && scalar != '=' && scalar != '\\')
            {
                builder.Append((char)scalar);
            }
            else
            {
                builder.Append("\\x{").Append(scalar.ToString("X2", CultureInfo.InvariantCulture)).Append('}');
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// An ORCPT value ("addr-type;address", decoded) encoded for the wire: utf-8-addr-xtext for the
    /// utf-8 type (RFC 6533 3), xtext for every other (RFC 3461 4.2).
    /// </summary>
    public static string OriginalRecipient(string decoded)
    {
        var semicolon = decoded.IndexOf(';', StringComparison.Ordinal);
        var type = decoded[..semicolon];
        var address = decoded[(semicolon + 1)..];
        return type + ";" + (string.Equals(type, "utf-8", StringComparison.OrdinalIgnoreCase) ? Utf8AddressXtext(address) : Xtext(address));
    }
}
