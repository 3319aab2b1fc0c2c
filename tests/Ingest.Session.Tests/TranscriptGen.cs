using System.Text;
using CsCheck;

namespace Ingest.Session.Tests;

/// <summary>
/// Random client transcripts: valid and invalid commands mixed, each step the octets one client
/// action sends (a command line, or a command with the body or chunk that follows it).
/// AUTH and STARTTLS are left out: they start exchanges of their own (SASL, TLS), which
/// SessionAuthTests and SessionStartTlsTests cover.
/// </summary>
internal static class TranscriptGen
{
    private static readonly Gen<string> HelloDomain = Gen.OneOf(
        "client.example", "c.example", "[192.0.2.1]", "[IPv6:2001:db8::1]", "localhost",
        "", "-bad-.example", "a..b.example", "under_score.example", "[300.1.1.1]", "two words", "ünï.example");

    private static readonly Gen<string> ReversePath = Gen.OneOf(
        "<s@y.example>", "<>", "<jörg@y.example>", "<\"quoted local\"@y.example>",
        "s@y.example", "<s@>", "<@y.example>", "<s@y.example", "<" + new string('a', 70) + "@y.example>", "");

    private static readonly Gen<string> MailParameter = Gen.OneOf(
        " SIZE=100", " SIZE=100000", " SIZE=99999999999999999999999", " SIZE=x", " size=5", " SIZE=1 SIZE=2",
        " BODY=8BITMIME", " BODY=7BIT", " BODY=BINARYMIME", " SMTPUTF8", " SMTPUTF8=yes", " X-FOO=bar", "  BODY=7BIT", "=",
        " RET=FULL", " RET=HDRS", " RET=ALL", " ENVID=id+2B1", " ENVID=a+2b", " REQUIRETLS", " REQUIRETLS=1");

    // x.example is the accepted domain when the settings restrict domains; the others are foreign.
    private static readonly Gen<string> ForwardPath = Gen.OneOf(
        "<r@x.example>", "<r2@x.example>", "<r@sub.x.example>", "<r@other.example>", "<Postmaster>",
        "<>", "<用户@x.example>", "r@x.example", "<r@x.example", "<r@x.example> NOTIFY=NEVER", "<r@x.example>junk",
        "<r@x.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;r+2B1@x.example", "<r@x.example> NOTIFY=NEVER,SUCCESS",
        "<r@x.example> ORCPT=utf-8;用户@x.example", @"<r@x.example> ORCPT=utf-8;\x{7528}@x.example", "<r@x.example> ORCPT=rfc822");

    private static readonly Gen<string> Simple = Gen.OneOf(
        "RSET", "RSET now", "NOOP", "NOOP hello", "NOOP \0", "VRFY postmaster", "VRFY", "HELP", "HELP MAIL",
        "EXPN staff", "TURN", "ETRN x.example", "XYZZY", "HELOX", "MAI", "", " NOOP", "DATA now", "QUIT now", "NO\rOP");

    private static readonly Gen<byte[]> Hello = Gen.Select(Gen.OneOf("EHLO", "HELO"), HelloDomain, (verb, domain) =>
        Utf8(domain.Length == 0 ? verb : $"{verb} {domain}"));

    private static readonly Gen<byte[]> Mail = Gen.Select(ReversePath, MailParameter.Array[0, 3], (path, parameters) =>
        Utf8("MAIL FROM:" + path + string.Concat(parameters)));

    private static readonly Gen<byte[]> Rcpt = ForwardPath.Select(path => Utf8("RCPT TO:" + path));

    // Around the 512-octet limit (RFC 5321 4.5.3.1.4), and far over it.
    private static readonly Gen<byte[]> LongLine = Gen.Frequency((4, Gen.Int[500, 515]), (1, Gen.Int[600, 3000]))
        .Select(length => Utf8("NOOP " + new string('x', length - 7)));

    /// <summary>A command line with its ending: mostly CRLF, sometimes a bare LF or CR CR LF.</summary>
    private static readonly Gen<byte[]> CommandLine = Gen.Select(
        Gen.Frequency((3, Hello), (4, Mail), (4, Rcpt), (4, Simple.Select(Utf8)), (1, LongLine)),
        Gen.Frequency((10, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2))),
        Gen.Frequency((8, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2))),
        (line, casing, ending) => (byte[])[.. Case(line, casing), .. ending switch { 0 => "\r\n"u8, 1 => "\n"u8, _ => "\r\r\n"u8 }]);

    /// <summary>
    /// DATA, then a dot-stuffed body and the terminator, or DATA alone (what follows is the body).
    /// A refused DATA turns its body's lines into commands, each a bad one: short bodies keep most
    /// transcripts under the bad-command limit.
    /// </summary>
    private static readonly Gen<byte[]> Data = Gen.Frequency(
        (6, BodyGen.CrlfBodies(4).Select(body => Concat("DATA\r\n"u8.ToArray(), BodyGen.DotStuff(body)))),
        (2, BodyGen.BareBodies(3).Select(body => Concat("DATA\r\n"u8.ToArray(), BodyGen.DotStuff(body)))),
        (1, Gen.Const("DATA\r\n"u8.ToArray())));

    /// <summary>BDAT with exactly its chunk's octets after it (RFC 3030 2), and the malformed kinds.</summary>
    private static readonly Gen<byte[]> Bdat = Gen.Frequency<byte[]>(
        (12, Gen.Select(Gen.OneOf("", " LAST", " last", " NOW"), Gen.Frequency((4, BodyGen.RawOctet.Array[0, 60]), (1, BodyGen.Octets)),
            (marker, chunk) => Concat(Utf8($"BDAT {chunk.Length}{marker}"), chunk))),
        (1, Gen.OneOf("BDAT 0 LAST", "bdat 0 last", "BDAT 0").Select(line => Utf8(line + "\r\n"))),
        // No size the chunk can be framed by: 421 and the end of the session, so seldom.
        (1, Gen.OneOf("BDAT lots", "BDAT", "BDAT 99999999999999999999 LAST").Select(line => Utf8(line + "\r\n"))));

    /// <summary>A whole transaction at once, so random sequences often get as far as delivery.</summary>
    private static readonly Gen<byte[]> Transaction = Gen.Select(
        Gen.OneOf("MAIL FROM:<s@y.example>\r\n", "MAIL FROM:<> BODY=8BITMIME SMTPUTF8\r\n"),
        Gen.OneOf("<r@x.example>", "<r@other.example>", "<Postmaster>").Array[1, 3],
        Gen.Frequency((2, Data), (1, Bdat.Array[1, 3].Select(chunks => chunks.SelectMany(chunk => chunk).ToArray()))),
        (mail, recipients, body) => Concat(
            Encoding.UTF8.GetBytes(mail + string.Concat(recipients.Select(r => $"RCPT TO:{r}\r\n"))), body));

    private static readonly Gen<byte[]> Step = Gen.Frequency((12, CommandLine), (2, Data), (2, Bdat), (5, Transaction));

    // Usually a good EHLO first, so most transcripts reach the transaction states.
    private static readonly Gen<byte[]> Opening = Gen.Frequency(
        (8, Gen.Const("EHLO client.example\r\n"u8.ToArray())), (1, Gen.Const("HELO client.example\r\n"u8.ToArray())), (1, Gen.Const(Array.Empty<byte>())));

    // Whatever a client pipelines after QUIT is never read.
    private static readonly Gen<byte[]> AfterQuit = Gen.Frequency(
        (4, Gen.Const(Array.Empty<byte>())), (1, Gen.Const("NOOP\r\n"u8.ToArray())), (1, BodyGen.RawOctet.Array[1, 20]));

    public static readonly Gen<byte[][]> Transcript = Gen.Select(Opening, Step.Array[0, 16], AfterQuit, (opening, steps, after) =>
        (byte[][])[opening, .. steps, "QUIT\r\n"u8.ToArray(), after]);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(byte[] first, byte[] second) => [.. first, .. second];

    /// <summary>Verbs are case-insensitive (RFC 5321 2.4): as written, lowercase, or alternating.</summary>
    private static byte[] Case(byte[] line, int casing)
    {
        line = [.. line];
        var verb = Math.Min(4, line.Length);
        for (var i = 0; i < verb && casing != 0; i++)
        {
            if ((casing == 1 || i % 2 == 1) && line[i] is >= (byte)'A' and <= (byte)'Z')
            {
                line[i] |= 0x20;
            }
        }

        return line;
    }
}
