using CsCheck;

namespace Ingest.Session.Tests;

/// <summary>
/// Message bodies, weighted towards what breaks DATA decoders: dots at line starts (".", "..",
/// ".x"), NUL, 8-bit octets, lines longer than the session's body buffer, the empty body.
/// </summary>
internal static class BodyGen
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    public static readonly Gen<byte> Octet = Gen.Frequency(
        (6, Gen.Byte[(byte)'a', (byte)'z']),
        (2, Gen.Const((byte)'.')),
        (1, Gen.OneOf((byte)' ', (byte)'\t', (byte)0, (byte)0x7F)),
        (2, Gen.Byte[0x80, 0xFF]),
        (1, Gen.Byte));

    /// <summary>Any octet except CR and LF, so a line's content never ends it early.</summary>
    public static readonly Gen<byte> LineOctet = Octet.Select(b => b switch { Cr => (byte)'r', Lf => (byte)'n', _ => b });

    /// <summary>Any octet, CR and LF often, so they come alone and in every combination.</summary>
    public static readonly Gen<byte> RawOctet = Gen.Frequency((6, Octet), (1, Gen.Const(Cr)), (1, Gen.Const(Lf)));

    /// <summary>Lines (without their CRLF) of at most about 3000 octets: over a 2048-octet body buffer.</summary>
    public static Gen<byte[]> Line(Gen<byte> octet) => Gen.Frequency(
        (1, Gen.Const(Array.Empty<byte>())),
        (1, Gen.Const("."u8.ToArray())),
        (1, Gen.Const(".."u8.ToArray())),
        (2, octet.Array[0, 40].Select(rest => (byte[])[(byte)'.', .. rest])),
        (6, octet.Array[0, 80]),
        (1, octet.Array[900, 3000]));

    /// <summary>Lines ending in CRLF, with no other CR or LF: the bodies RFC 5321 2.3.8 allows.</summary>
    public static readonly Gen<byte[]> CrlfBody = CrlfBodies(12);

    /// <summary>Lines ending in CRLF with at least one bare CR or bare LF somewhere inside.</summary>
    public static readonly Gen<byte[]> BareBody = BareBodies(8);

    public static Gen<byte[]> CrlfBodies(int maxLines) => Line(LineOctet).Array[0, maxLines].Select(JoinCrlf);

    public static Gen<byte[]> BareBodies(int maxLines) => Line(RawOctet).Array[1, maxLines].Select(JoinCrlf).Where(HasBareLineEnding);

    /// <summary>Any octets at all, for BDAT, which takes them as they are (RFC 3030 2).</summary>
    public static readonly Gen<byte[]> Octets = Gen.Frequency(
        (1, Gen.Const(Array.Empty<byte>())),
        (4, RawOctet.Array[1, 200]),
        (2, CrlfBody),
        (1, RawOctet.Array[1000, 6000]));

    /// <summary>RFC 5321 4.5.2: the client doubles a period that begins a line, and adds the terminator.</summary>
    public static byte[] DotStuff(byte[] body)
    {
        var stuffed = new List<byte>(body.Length + 8);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == (byte)'.' && (i == 0 || (i >= 2 && body[i - 1] == Lf && body[i - 2] == Cr)))
            {
                stuffed.Add((byte)'.');
            }

            stuffed.Add(body[i]);
        }

        stuffed.AddRange(".\r\n"u8);
        return [.. stuffed];
    }

    /// <summary>What BareLineEndingPolicy.Normalize stores: each bare CR and each bare LF as CRLF.</summary>
    public static byte[] NormalizeLineEndings(byte[] body)
    {
        var normalized = new List<byte>(body.Length + 8);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] is Cr or Lf)
            {
                normalized.Add(Cr);
                normalized.Add(Lf);
                // A CRLF pair is one line ending, not a bare CR followed by a bare LF.
                i += body[i] == Cr && i + 1 < body.Length && body[i + 1] == Lf ? 1 : 0;
            }
            else
            {
                normalized.Add(body[i]);
            }
        }

        return [.. normalized];
    }

    public static bool HasBareLineEnding(byte[] body)
    {
        for (var i = 0; i < body.Length; i++)
        {
            var bareCr = body[i] == Cr && (i + 1 == body.Length || body[i + 1] != Lf);
            var bareLf = body[i] == Lf && (i == 0 || body[i - 1] != Cr);
            if (bareCr || bareLf)
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] JoinCrlf(byte[][] lines) => [.. lines.SelectMany(line => line.Concat("\r\n"u8.ToArray()))];
}
