using System.Text;
using Ingest.Protocol;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// The DSN value decoders (RFC 3461 4 xtext, RFC 6533 3 unitext) and the DSN parameter checks.
/// The input is decoded both ways into a buffer of its own length, which must always suffice.
/// Asserts that nothing throws; that a decoded value is no longer than its encoding; that a
/// unitext value decodes to well-formed UTF-8; that encoding a decoded value again and decoding
/// that gives the same octets (each decoder is the inverse of the encoder the sinks use); and that
/// whatever the ORCPT and ENVID checks accept, the session's decoders accept too.
/// </summary>
internal static class XtextTarget
{
    public static void Run(byte[] input)
    {
        var decoded = new byte[input.Length];
        if (Xtext.TryDecode(input, decoded, out var written))
        {
            Invariant.That(written <= input.Length, "xtext decoded longer than its encoding");
            var again = EncodeXtext(decoded.AsSpan(0, written));
            var twice = new byte[again.Length];
            Invariant.That(Xtext.TryDecode(again, twice, out var length) && twice.AsSpan(0, length).SequenceEqual(decoded.AsSpan(0, written)),
                "xtext: decode(encode(decode(x))) differs from decode(x)");
        }

        if (Xtext.TryDecodeUnitext(input, decoded, out written))
        {
            Invariant.That(written > 0 && written <= input.Length, "unitext decoded to nothing or to more than its encoding");
            Invariant.That(System.Text.Unicode.Utf8.IsValid(decoded.AsSpan(0, written)), "unitext decoded to malformed UTF-8");
            var again = EncodeUtf8AddressXtext(decoded.AsSpan(0, written));
            Invariant.That(!again.AsSpan().ContainsAnyExceptInRange((byte)0x21, (byte)0x7E), "utf-8-addr-xtext is not printable ASCII");
            var twice = new byte[again.Length];
            Invariant.That(Xtext.TryDecodeUnitext(again, twice, out var length) && twice.AsSpan(0, length).SequenceEqual(decoded.AsSpan(0, written)),
                "unitext: decode(encode(decode(x))) differs from decode(x)");
        }

        if (DsnParameters.TrySplitOriginalRecipient(input, out var semicolon, out _))
        {
            var address = input.AsSpan(semicolon + 1);
            var ok = DsnParameters.IsUtf8Type(input.AsSpan(0, semicolon))
                ? Xtext.TryDecodeUnitext(address, decoded, out _)
                : Xtext.TryDecode(address, decoded, out _);
            Invariant.That(ok, "an accepted ORCPT does not decode");
        }

        if (DsnParameters.IsValidEnvelopeId(input))
        {
            Invariant.That(Xtext.TryDecode(input, decoded, out _), "an accepted ENVID does not decode");
        }

        var notify = DsnParameters.ParseNotify(input);
        Invariant.That(notify == DsnNotify.None || notify == DsnNotify.Never || (notify & DsnNotify.Never) == 0, "NEVER combined with another NOTIFY value");
    }

    // RFC 3461 4: the canonical xtext, what the Maildir lines carry.
    private static byte[] EncodeXtext(ReadOnlySpan<byte> value)
    {
        var output = new List<byte>(value.Length * 3);
        foreach (var b in value)
        {
            if (b is >= 0x21 and <= 0x7E && b != (byte)'+' && b != (byte)'=')
            {
                output.Add(b);
            }
            else
            {
                output.AddRange(Encoding.ASCII.GetBytes($"+{b:X2}"));
            }
        }

        return [.. output];
    }

    // RFC 6533 3: utf-8-addr-xtext, every character QCHAR cannot carry as "\x{HEX}".
    private static byte[] EncodeUtf8AddressXtext(ReadOnlySpan<byte> utf8)
    {
        var output = new StringBuilder();
        foreach (var rune in Encoding.UTF8.GetString(utf8).EnumerateRunes())
        {
            var scalar = rune.Value;
            output.Append(scalar is >= 0x21 and <= 0x7E && scalar != '+' && scalar != '=' && scalar != '\\'
                ? ((char)scalar).ToString()
                : $"\\x{{{scalar:X2}}}");
        }

        return Encoding.ASCII.GetBytes(output.ToString());
    }
}
