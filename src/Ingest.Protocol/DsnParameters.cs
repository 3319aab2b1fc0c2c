using System.Text;

namespace Ingest.Protocol;

/// <summary>
/// The DSN parameters of MAIL and RCPT (RFC 3461 4), checked in full: the value syntax, the
/// length caps, and that an xtext value decodes to what the RFC allows. Allocation-free: values are
/// decoded into stack buffers only to be checked; the session decodes them again into strings.
/// </summary>
public static class DsnParameters
{
    /// <summary>RFC 3461 4.4: "ENVID ... MUST NOT be more than 100 characters" (as sent, xtext-encoded).</summary>
    public const int MaxEnvelopeId = 100;

    /// <summary>RFC 3461 4.2: "ORCPT ... MUST NOT be more than 500 characters" (addr-type, ";" and the encoded address).</summary>
    public const int MaxOriginalRecipient = 500;

    /// <summary>RFC 3461 4.3: ret-value = "FULL" / "HDRS".</summary>
    public static DsnReturn ParseReturn(ReadOnlySpan<byte> value) =>
        Ascii.EqualsIgnoreCase(value, "FULL"u8) ? DsnReturn.Full
        : Ascii.EqualsIgnoreCase(value, "HDRS"u8) ? DsnReturn.Headers
        : DsnReturn.Unspecified;

    /// <summary>
    /// RFC 3461 4.4: ENVID=xtext, at most 100 characters, whose decoded value "MUST consist entirely
    /// of printable (graphic and white space) characters from the US-ASCII repertoire".
    /// </summary>
    public static bool IsValidEnvelopeId(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > MaxEnvelopeId)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[MaxEnvelopeId];
        return Xtext.TryDecode(value, decoded, out var written) && IsPrintableAscii(decoded[..written]);
    }

    /// <summary>
    /// RFC 3461 4.1: notify-esmtp-value = "NEVER" / 1#notify-list-element, elements SUCCESS, FAILURE
    /// and DELAY, comma-separated, in any case. NEVER combined with anything else, or an empty
    /// element, is invalid; a repeated element changes nothing (as Postfix reads it).
    /// </summary>
    public static DsnNotify ParseNotify(ReadOnlySpan<byte> value)
    {
        var notify = DsnNotify.None;
        foreach (var range in value.Split((byte)','))
        {
            var element = value[range];
            var flag = Ascii.EqualsIgnoreCase(element, "NEVER"u8) ? DsnNotify.Never
                : Ascii.EqualsIgnoreCase(element, "SUCCESS"u8) ? DsnNotify.Success
                : Ascii.EqualsIgnoreCase(element, "FAILURE"u8) ? DsnNotify.Failure
                : Ascii.EqualsIgnoreCase(element, "DELAY"u8) ? DsnNotify.Delay
                : DsnNotify.None;
            if (flag == DsnNotify.None)
            {
                return DsnNotify.None;
            }

            notify |= flag;
        }

        return (notify & DsnNotify.Never) != 0 && notify != DsnNotify.Never ? DsnNotify.None : notify;
    }

    /// <summary>
    /// RFC 3461 4.2: ORCPT=addr-type ";" xtext, addr-type an atom (RFC 5322 3.2.3), at most 500
    /// characters, the decoded address printable US-ASCII. RFC 6533 3: for addr-type "utf-8" the
    /// address is utf-8-addr-xtext or, with SMTPUTF8, utf-8-addr-unitext, decoding to UTF-8 without
    /// control characters. <paramref name="nonAscii"/> reports raw UTF-8 in the value, which the
    /// session allows only in an SMTPUTF8 transaction.
    /// </summary>
    public static bool TrySplitOriginalRecipient(ReadOnlySpan<byte> value, out int semicolon, out bool nonAscii)
    {
        nonAscii = false;
        semicolon = value.IndexOf((byte)';');
        if (value.Length > MaxOriginalRecipient || semicolon <= 0 || semicolon == value.Length - 1)
        {
            return false;
        }

        foreach (var b in value[..semicolon])
        {
            if (!CharClass.IsAtext(b))
            {
                return false;
            }
        }

        var address = value[(semicolon + 1)..];
        Span<byte> decoded = stackalloc byte[MaxOriginalRecipient];
        if (IsUtf8Type(value[..semicolon]))
        {
            nonAscii = address.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
            return Xtext.TryDecodeUnitext(address, decoded, out var written) && !HasControl(decoded[..written]);
        }

        return Xtext.TryDecode(address, decoded, out var length) && length > 0 && IsPrintableAscii(decoded[..length]);
    }

    /// <summary>RFC 6533 3: the "utf-8" address type, matched case-insensitively like every addr-type.</summary>
    public static bool IsUtf8Type(ReadOnlySpan<byte> addressType) => Ascii.EqualsIgnoreCase(addressType, "utf-8"u8);

    private static bool IsPrintableAscii(ReadOnlySpan<byte> text) => !text.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E);

    private static bool HasControl(ReadOnlySpan<byte> text) => text.IndexOfAnyInRange((byte)0x00, (byte)0x1F) >= 0 || text.Contains((byte)0x7F);
}
