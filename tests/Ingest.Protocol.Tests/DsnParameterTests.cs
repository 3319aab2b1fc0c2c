using System.Text;
using Ingest.Fuzz.Targets;

namespace Ingest.Protocol.Tests;

/// <summary>
/// DSN parameters (RFC 3461 4; RFC 6533 3 for the utf-8 address type), each case parsed over every
/// segmentation of its line (<see cref="Parsed"/>).
/// </summary>
public class DsnParameterTests
{
    private const string From = "MAIL FROM:<a@example.com> ";
    private const string To = "RCPT TO:<r@example.com> ";

    private static Parsed Utf8Line(string line) => Parsed.Line(Encoding.UTF8.GetBytes(line));

    [Theory]
    [InlineData("RET=FULL", DsnReturn.Full)]
    [InlineData("ret=hdrs", DsnReturn.Headers)]
    [InlineData("SIZE=5 Ret=Hdrs SMTPUTF8", DsnReturn.Headers)]
    public void ParserReadsRet(string parameters, DsnReturn expected)
    {
        var parsed = Parsed.Line(From + parameters);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(expected, parsed.Mail.Return);
    }

    [Theory]
    [InlineData("RET=HEADERS", Rejection.InvalidParameterValue)]
    [InlineData("RET=FULLY", Rejection.InvalidParameterValue)]
    [InlineData("RET", Rejection.InvalidParameterValue)]
    [InlineData("RET=", Rejection.InvalidArguments)]
    [InlineData("RET=FULL RET=FULL", Rejection.DuplicateParameter)]
    [InlineData("RET=FULL ret=HDRS", Rejection.DuplicateParameter)]
    public void ParserRejectsABadRet(string parameters, Rejection expected)
    {
        var parsed = Parsed.Line(From + parameters);
        Assert.Equal(expected, parsed.Rejection);
        Assert.Equal(default, parsed.Mail);
    }

    // RFC 3461 4: xtext; the decoded value is checked (printable US-ASCII, 4.4) and passed on as sent.
    [Theory]
    [InlineData("ENVID=QQ314159", "QQ314159")]
    [InlineData("ENVID=a+2Bb+3Dc", "a+2Bb+3Dc")]
    [InlineData("ENVID=with+20space", "with+20space")]
    [InlineData("envid=!#$%&'*,-./:;<>?@[\\]^_`{|}~", "!#$%&'*,-./:;<>?@[\\]^_`{|}~")]
    public void ParserReadsEnvid(string parameter, string expected)
    {
        var parsed = Parsed.Line(From + parameter);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(expected, parsed.EnvelopeId);
    }

    [Fact]
    public void ParserTakesAHundredCharacterEnvidAndNoMore()
    {
        Assert.Equal(Rejection.None, Parsed.Line(From + "ENVID=" + new string('x', 100)).Rejection);
        Assert.Equal(Rejection.InvalidParameterValue, Parsed.Line(From + "ENVID=" + new string('x', 101)).Rejection);
        // The limit counts the value as sent: 34 escapes are 102 characters, though they decode to 34.
        Assert.Equal(Rejection.InvalidParameterValue, Parsed.Line(From + "ENVID=" + string.Concat(Enumerable.Repeat("+2B", 34))).Rejection);
    }

    [Theory]
    [InlineData("ENVID=a+2b")]      // hexchar is upper-case hex only
    [InlineData("ENVID=a+2")]
    [InlineData("ENVID=a+")]
    [InlineData("ENVID=+G0")]
    [InlineData("ENVID=a+00")]      // decodes to NUL
    [InlineData("ENVID=a+0D+0A")]   // CR LF
    [InlineData("ENVID=a+7F")]
    [InlineData("ENVID=a+C3+A9")]   // not US-ASCII
    [InlineData("ENVID")]
    [InlineData("ENVID=x ENVID=y")]
    public void ParserRejectsABadEnvid(string parameters)
    {
        var parsed = Parsed.Line(From + parameters);
        Assert.NotEqual(Rejection.None, parsed.Rejection);
        Assert.Equal("", parsed.EnvelopeId);
    }

    [Fact]
    public void ParserRejectsRawUtf8InEnvid()
    {
        Assert.Equal(Rejection.InvalidParameterValue, Utf8Line(From + "SMTPUTF8 ENVID=idé").Rejection);
    }

    [Theory]
    [InlineData("NOTIFY=NEVER", DsnNotify.Never)]
    [InlineData("notify=never", DsnNotify.Never)]
    [InlineData("NOTIFY=SUCCESS", DsnNotify.Success)]
    [InlineData("NOTIFY=FAILURE,DELAY", DsnNotify.Failure | DsnNotify.Delay)]
    [InlineData("NOTIFY=delay,Success,FAILURE", DsnNotify.Success | DsnNotify.Failure | DsnNotify.Delay)]
    [InlineData("NOTIFY=SUCCESS,SUCCESS", DsnNotify.Success)]
    [InlineData("NOTIFY=NEVER,NEVER", DsnNotify.Never)]
    public void ParserReadsNotify(string parameter, DsnNotify expected)
    {
        var parsed = Parsed.Line(To + parameter);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(expected, parsed.Notify);
        Assert.Equal("r@example.com", parsed.Argument);
    }

    // RFC 3461 4.1: NEVER stands alone; the list has no empty element and no other word.
    [Theory]
    [InlineData("NOTIFY=NEVER,SUCCESS", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY=FAILURE,NEVER", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY=SUCCESS,,FAILURE", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY=SUCCESS,", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY=,SUCCESS", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY=ALWAYS", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY=SUCCESS;FAILURE", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY", Rejection.InvalidParameterValue)]
    [InlineData("NOTIFY=", Rejection.InvalidArguments)]
    [InlineData("NOTIFY=SUCCESS NOTIFY=FAILURE", Rejection.DuplicateParameter)]
    [InlineData("NOTIFY=NEVER notify=NEVER", Rejection.DuplicateParameter)]
    public void ParserRejectsABadNotify(string parameters, Rejection expected)
    {
        var parsed = Parsed.Line(To + parameters);
        Assert.Equal(expected, parsed.Rejection);
        Assert.Equal(DsnNotify.None, parsed.Notify);
    }

    [Theory]
    [InlineData("ORCPT=rfc822;r@example.com", "rfc822", "r@example.com")]
    [InlineData("ORCPT=RFC822;r+2Btag@example.com", "RFC822", "r+2Btag@example.com")]
    [InlineData("ORCPT=rfc822;+22quoted+20user+22@example.com", "rfc822", "+22quoted+20user+22@example.com")]
    [InlineData("ORCPT=x400;/C+3Dus/ADMD+3Dx/", "x400", "/C+3Dus/ADMD+3Dx/")]
    [InlineData("ORCPT=unknown;anything", "unknown", "anything")]
    [InlineData("NOTIFY=SUCCESS ORCPT=rfc822;a@b.example", "rfc822", "a@b.example")]
    public void ParserReadsOrcptAsSentForTheSessionToDecode(string parameters, string type, string address)
    {
        var parsed = Parsed.Line(To + parameters);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(type, parsed.OriginalRecipientType);
        Assert.Equal(address, parsed.OriginalRecipient);
        Assert.False(parsed.OriginalRecipientIsNonAscii);
    }

    [Theory]
    [InlineData("ORCPT=rfc822")]                // no ";"
    [InlineData("ORCPT=;r@example.com")]        // no addr-type
    [InlineData("ORCPT=rfc822;")]               // no address
    [InlineData("ORCPT=rfc(822);r@example.com")] // addr-type is an atom
    [InlineData("ORCPT=rf\"c;r@example.com")]
    [InlineData("ORCPT=rfc822;r+2b@example.com")]
    [InlineData("ORCPT=rfc822;r+0A@example.com")]
    [InlineData("ORCPT=rfc822;r+FF@example.com")]
    [InlineData("ORCPT=rfc822;r+@example.com")]
    [InlineData("ORCPT")]
    [InlineData("ORCPT=rfc822;a@b.example ORCPT=rfc822;a@b.example")]
    public void ParserRejectsABadOrcpt(string parameters)
    {
        var parsed = Parsed.Line(To + parameters);
        Assert.NotEqual(Rejection.None, parsed.Rejection);
        Assert.Equal("", parsed.OriginalRecipientType);
    }

    [Fact]
    public void ParserTakesAFiveHundredCharacterOrcptAndNoMore()
    {
        var address = "rfc822;" + new string('a', 64) + "@" + new string('b', 500 - 7 - 65);
        Assert.Equal(500, address.Length);
        Assert.Equal(Rejection.None, Parsed.Line(To + "ORCPT=" + address).Rejection);
        Assert.Equal(Rejection.InvalidParameterValue, Parsed.Line(To + "ORCPT=" + address + "b").Rejection);
    }

    // RFC 6533 3: utf-8-addr-xtext (ASCII, "\x{HEX}" escapes) or, with SMTPUTF8, utf-8-addr-unitext.
    [Theory]
    [InlineData("ORCPT=utf-8;\\x{7528}\\x{6237}@example.com", false)]
    [InlineData("ORCPT=UTF-8;j\\x{F6}rg@example.com", false)]
    [InlineData("ORCPT=utf-8;j\\x{f6}rg@example.com", false)]
    [InlineData("ORCPT=utf-8;a\\x{2B}b\\x{3D}c\\x{5C}d\\x{20}e@example.com", false)]
    [InlineData("ORCPT=utf-8;\\x{1F600}@example.com", false)]
    [InlineData("ORCPT=utf-8;\\x{10FFFF}@example.com", false)]
    [InlineData("ORCPT=utf-8;用户@例子.example", true)]
    [InlineData("ORCPT=utf-8;用户\\x{2B}x@example.com", true)]
    public void ParserReadsUtf8Orcpt(string parameters, bool nonAscii)
    {
        var parsed = Utf8Line(To + parameters);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal("utf-8", parsed.OriginalRecipientType, ignoreCase: true);
        Assert.Equal(nonAscii, parsed.OriginalRecipientIsNonAscii);
    }

    [Theory]
    [InlineData("ORCPT=utf-8;a+2Bb@example.com")]          // "+" is not QCHAR: utf-8 addresses are not xtext
    [InlineData("ORCPT=utf-8;a\\b@example.com")]           // a lone "\"
    [InlineData("ORCPT=utf-8;a\\x{41}@example.com")]       // "A" needs no escape
    [InlineData("ORCPT=utf-8;a\\x{0F6}@example.com")]      // a leading zero
    [InlineData("ORCPT=utf-8;a\\x{F}@example.com")]        // fewer than two digits
    [InlineData("ORCPT=utf-8;a\\x{00}@example.com")]       // NUL
    [InlineData("ORCPT=utf-8;a\\x{0A}@example.com")]       // a control character
    [InlineData("ORCPT=utf-8;a\\x{D800}@example.com")]     // a surrogate
    [InlineData("ORCPT=utf-8;a\\x{110000}@example.com")]   // past U+10FFFF
    [InlineData("ORCPT=utf-8;a\\x{1F600@example.com")]     // unclosed
    [InlineData("ORCPT=utf-8;a\\x{}@example.com")]
    [InlineData("ORCPT=utf-8;a\\X{F6}@example.com")]
    [InlineData("ORCPT=utf-8;a\\x{G6}@example.com")]
    public void ParserRejectsABadUtf8Orcpt(string parameters)
    {
        Assert.Equal(Rejection.InvalidParameterValue, Utf8Line(To + parameters).Rejection);
    }

    [Fact]
    public void ParserRejectsMalformedUtf8InAUnitextOrcpt()
    {
        byte[] line = [.. Encoding.ASCII.GetBytes(To + "ORCPT=utf-8;a"), 0xC3, 0x28, .. "@example.com"u8];
        Assert.Equal(Rejection.InvalidParameterValue, Parsed.Line(line).Rejection);
    }

    [Fact]
    public void ParserRejectsRawUtf8InAnRfc822Orcpt()
    {
        Assert.Equal(Rejection.InvalidParameterValue, Utf8Line(To + "ORCPT=rfc822;jörg@example.com").Rejection);
    }

    [Theory]
    [InlineData("SIZE=10")]
    [InlineData("RET=FULL")]
    [InlineData("X-FOO")]
    public void ParserRejectsOtherRcptParametersAsUnknown(string parameters)
    {
        var parsed = Parsed.Line(To + parameters);
        Assert.Equal(Rejection.UnknownParameter, parsed.Rejection);
        Assert.Equal("r@example.com", parsed.Argument);
    }

    [Theory]
    [InlineData("RCPT TO:<r@example.com>NOTIFY=NEVER", Rejection.BadRecipientSyntax)]
    [InlineData("RCPT TO:<r@example.com> -X=1", Rejection.InvalidArguments)]
    [InlineData("RCPT TO:<r@example.com> NOTIFY=a=b", Rejection.InvalidArguments)]
    public void ParserRejectsMalformedRcptParameterSyntax(string line, Rejection expected)
    {
        Assert.Equal(expected, Parsed.Line(line).Rejection);
    }

    [Fact]
    public void ParserIgnoresDsnParametersOfARefusedCommand()
    {
        var parsed = Parsed.Line(To + "ORCPT=rfc822;a@b.example NOTIFY=SUCCESS X-FOO");
        Assert.Equal(Rejection.UnknownParameter, parsed.Rejection);
        Assert.Equal(DsnNotify.None, parsed.Notify);
        Assert.Equal("", parsed.OriginalRecipient);
    }

    [Theory]
    [InlineData("a+2Bb", "a+b")]
    [InlineData("+2B+3D+20", "+= ")]
    [InlineData("", "")]
    [InlineData("+C3+A9", "é")]
    public void XtextDecodes(string xtext, string expected)
    {
        var destination = new byte[xtext.Length];
        Assert.True(Xtext.TryDecode(Encoding.ASCII.GetBytes(xtext), destination, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, written));
    }

    [Theory]
    [InlineData("\\x{7528}\\x{6237}", "用户")]
    [InlineData("a\\x{5C}b", "a\\b")]
    [InlineData("\\x{1F600}", "😀")]
    [InlineData("é\\x{20}", "é ")]
    public void UnitextDecodes(string unitext, string expected)
    {
        var source = Encoding.UTF8.GetBytes(unitext);
        var destination = new byte[source.Length];
        Assert.True(Xtext.TryDecodeUnitext(source, destination, out var written));
        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, written));
    }

    // The fuzz target's invariants over seeded random token soups, so they run on every build (docs/fuzzing.md).
    [Fact]
    public void XtextInvariantsHoldOnRandomValues()
    {
        string[] tokens = ["a", "Z", "@", ";", ",", "+", "+2B", "+3D", "+2b", "+0", "=", "\\", "\\x{", "}", "\\x{7528}", "\\x{2B}", "\\x{41}",
            "\\x{D800}", "\\x{1F600}", "\\x{0F6}", "用", "é", " ", "\0", "\u007f", "rfc822;", "utf-8;", "NEVER", "SUCCESS", "DELAY"];
        var random = new Random(3461);
        for (var i = 0; i < 20_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => tokens[random.Next(tokens.Length)]));
            XtextTarget.Run(Encoding.UTF8.GetBytes(text));
        }
    }
}
