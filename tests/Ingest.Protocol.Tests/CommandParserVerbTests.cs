namespace Ingest.Protocol.Tests;

public class CommandParserVerbTests
{
    public static TheoryData<string, SmtpVerb> EveryVerb => new()
    {
        { "HELO client.example", SmtpVerb.Helo },
        { "EHLO client.example", SmtpVerb.Ehlo },
        { "MAIL FROM:<a@b.example>", SmtpVerb.Mail },
        { "RCPT TO:<a@b.example>", SmtpVerb.Rcpt },
        { "DATA", SmtpVerb.Data },
        { "BDAT 10", SmtpVerb.Bdat },
        { "RSET", SmtpVerb.Rset },
        { "NOOP", SmtpVerb.Noop },
        { "QUIT", SmtpVerb.Quit },
        { "VRFY postmaster", SmtpVerb.Vrfy },
        { "HELP", SmtpVerb.Help },
        { "EXPN staff", SmtpVerb.Expn },
        { "TURN", SmtpVerb.Turn },
        { "ETRN example.com", SmtpVerb.Etrn },
        { "AUTH PLAIN", SmtpVerb.Auth },
        { "STARTTLS", SmtpVerb.StartTls },
    };

    // RFC 5321 2.4: verbs are case-insensitive.
    [Theory]
    [MemberData(nameof(EveryVerb))]
    public void ParserRecognisesEveryVerbInAnyCase(string line, SmtpVerb verb)
    {
        Assert.Equal(verb, Parsed.Line(line).Verb);
        Assert.Equal(verb, Parsed.Line(line.ToLowerInvariant()).Verb);
        Assert.Equal(verb, Parsed.Line(AlternateCase(line)).Verb);
    }

    [Theory]
    [InlineData("HELO client.example")]
    [InlineData("EHLO client.example")]
    [InlineData("MAIL FROM:<a@b.example>")]
    [InlineData("RCPT TO:<a@b.example>")]
    [InlineData("DATA")]
    [InlineData("BDAT 10 LAST")]
    [InlineData("RSET")]
    [InlineData("NOOP")]
    [InlineData("NOOP anything")]
    [InlineData("QUIT")]
    [InlineData("VRFY postmaster")]
    [InlineData("HELP")]
    [InlineData("HELP MAIL")]
    [InlineData("QUIT   ")]
    public void ParserAcceptsWellFormedCommands(string line)
    {
        Assert.Equal(Rejection.None, Parsed.Line(line).Rejection);
    }

    // RFC 5321 4.1.1.5 / 4.1.5: EXPN, TURN and ETRN are not offered here.
    [Theory]
    [InlineData("EXPN staff")]
    [InlineData("TURN")]
    [InlineData("ETRN example.com")]
    public void ParserMarksKnownButUnofferedVerbsNotImplemented(string line)
    {
        Assert.Equal(Rejection.NotImplemented, Parsed.Line(line).Rejection);
    }

    [Theory]
    [InlineData("HELOX client.example")]
    [InlineData("HELO\tclient.example")]
    [InlineData("MAILFROM:<a@b>")]
    [InlineData("QUITS")]
    [InlineData("STARTTLSX")]
    [InlineData("STARTTL")]
    [InlineData("STAR")]
    [InlineData("HEL")]
    [InlineData("")]
    [InlineData(" NOOP")]
    [InlineData("XYZZ")]
    [InlineData("H\u00c5LO x")]
    [InlineData("HE\0O x")]
    public void ParserRejectsAnythingThatIsNotAVerbStandingAlone(string line)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(SmtpVerb.Unknown, parsed.Verb);
        Assert.Equal(Rejection.UnrecognizedCommand, parsed.Rejection);
    }

    [Fact]
    public void CaseFoldingDoesNotAliasNonLetters()
    {
        // '@' | 0x20 is '`', never a letter; only real letters fold.
        Assert.Equal(SmtpVerb.Unknown, Parsed.Line("@ELO x").Verb);
        Assert.Equal(SmtpVerb.Unknown, Parsed.Line("\u00c8\u00c5\u00cc\u00cf x").Verb);
    }

    // RFC 5321 4.1.1.4, 4.1.1.5, 4.1.1.10: "DATA" CRLF, "RSET" CRLF, "QUIT" CRLF.
    [Theory]
    [InlineData("DATA x", SmtpVerb.Data)]
    [InlineData("RSET now", SmtpVerb.Rset)]
    [InlineData("QUIT bye", SmtpVerb.Quit)]
    [InlineData("data  x", SmtpVerb.Data)]
    public void ParserRefusesArgumentsToCommandsThatTakeNone(string line, SmtpVerb verb)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(verb, parsed.Verb);
        Assert.Equal(Rejection.ArgumentsNotAllowed, parsed.Rejection);
    }

    // RFC 5321 4.1.1.6: "VRFY" SP String CRLF.
    [Fact]
    public void ParserRequiresAnArgumentForVrfy()
    {
        Assert.Equal(Rejection.InvalidArguments, Parsed.Line("VRFY").Rejection);
        Assert.Equal(Rejection.InvalidArguments, Parsed.Line("VRFY   ").Rejection);
    }

    // RFC 5321 4.1.1.1: ehlo = "EHLO" SP ( Domain / address-literal ).
    [Theory]
    [InlineData("EHLO client.example", "client.example")]
    [InlineData("EHLO localhost", "localhost")]
    [InlineData("EHLO a-b.c-d.example", "a-b.c-d.example")]
    [InlineData("EHLO [192.0.2.1]", "[192.0.2.1]")]
    [InlineData("EHLO [IPv6:2001:db8::1]", "[IPv6:2001:db8::1]")]
    [InlineData("HELO [192.0.2.1]", "[192.0.2.1]")]
    [InlineData("HELO client.example", "client.example")]
    public void ParserReturnsTheHelloDomain(string line, string domain)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(domain, parsed.Argument);
    }

    [Theory]
    [InlineData("EHLO")]
    [InlineData("HELO")]
    [InlineData("EHLO -client.example")]
    [InlineData("EHLO client-.example")]
    [InlineData("EHLO client..example")]
    [InlineData("EHLO client.example.")]
    [InlineData("EHLO .example")]
    [InlineData("EHLO client_name.example")]
    [InlineData("EHLO client.example extra")]
    [InlineData("EHLO [192.0.2.256]")]
    [InlineData("EHLO [192.0.2.1")]
    [InlineData("EHLO [IPv6:1::2::3]")]
    [InlineData("EHLO [tag:anything]")]
    [InlineData("EHLO cli\0ent.example")]
    [InlineData("EHLO client.example\u0001")]
    [InlineData("EHLO b\u00fccher.example")]
    public void ParserRejectsABadHelloDomain(string line)
    {
        Assert.Equal(Rejection.InvalidDomain, Parsed.Line(line).Rejection);
    }

    [Fact]
    public void ParserRejectsAHelloDomainLongerThan255Octets()
    {
        // RFC 5321 4.5.3.1.2: a domain is at most 255 octets; RFC 1035 2.3.4: a label at most 63.
        var label = new string('a', 63);
        var domain255 = $"{label}.{label}.{label}.{label}";
        Assert.Equal(255, domain255.Length);
        Assert.Equal(Rejection.None, Parsed.Line("EHLO " + domain255).Rejection);
        Assert.Equal(Rejection.InvalidDomain, Parsed.Line("EHLO " + domain255 + "a").Rejection);
        Assert.Equal(Rejection.InvalidDomain, Parsed.Line($"EHLO {label}a.example").Rejection);
    }

    // RFC 5234 / RFC 5321 4.1.2: no command grammar (Domain, Path, String, esmtp-value,
    // chunk-size) admits a control character, so NUL or any other CTL is refused wherever it appears.
    [Theory]
    [InlineData("EHLO client\0.example")]
    [InlineData("HELO client.example\u001b")]
    [InlineData("MAIL FROM:<a\0b@c.example>")]
    [InlineData("MAIL FROM:<ab@c.example\0>")]
    [InlineData("MAIL FROM:<ab@c.example>\0")]
    [InlineData("MAIL FROM:<ab@c.example> SIZE=1\0")]
    [InlineData("MAIL FROM:<ab@c.example> BODY=8BIT\u007fMIME")]
    [InlineData("MAIL FROM:<\"a\u0001b\"@c.example>")]
    [InlineData("MAIL FROM:<\"a\\\0b\"@c.example>")]
    [InlineData("RCPT TO:<ab@c.example>\0")]
    [InlineData("RCPT TO:<a\tb@c.example>")]
    [InlineData("DATA \0")]
    [InlineData("RSET \0")]
    [InlineData("QUIT \r")]
    [InlineData("BDAT 10\0")]
    [InlineData("BDAT 10 LAST\0")]
    [InlineData("VRFY user\0")]
    [InlineData("VRFY \0")]
    [InlineData("VRFY us\u0007er")]
    [InlineData("NOOP \0")]
    [InlineData("NOOP a\rb")]
    [InlineData("NOOP a\u007f")]
    [InlineData("HELP \u0001")]
    [InlineData("HELP MAIL\0")]
    public void ParserRejectsNulAndControlCharactersInArguments(string line)
    {
        var parsed = Parsed.Line(line);
        Assert.NotEqual(SmtpVerb.Unknown, parsed.Verb);
        Assert.NotEqual(Rejection.None, parsed.Rejection);
    }

    private static string AlternateCase(string line)
    {
        var chars = line.ToCharArray();
        for (var i = 0; i < chars.Length; i += 2)
        {
            chars[i] = char.ToLowerInvariant(chars[i]);
        }

        return new string(chars);
    }
}
