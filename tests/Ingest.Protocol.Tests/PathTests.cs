using System.Text;

namespace Ingest.Protocol.Tests;

/// <summary>MAIL and RCPT paths, RFC 5321 4.1.2 with the limits of 4.5.3.1 and the UTF-8 of RFC 6531.</summary>
public class PathTests
{
    [Theory]
    [InlineData("MAIL FROM:<user@example.com>", "user@example.com")]
    [InlineData("mail from:<user@example.com>", "user@example.com")]
    [InlineData("MAIL FROM: <user@example.com>", "user@example.com")]
    [InlineData("MAIL FROM:<first.last+tag@sub.example.com>", "first.last+tag@sub.example.com")]
    [InlineData("MAIL FROM:<!#$%&'*+-/=?^_`{|}~@example.com>", "!#$%&'*+-/=?^_`{|}~@example.com")]
    [InlineData("RCPT TO:<user@example.com>", "user@example.com")]
    [InlineData("rcpt to:<user@example.com>", "user@example.com")]
    public void ParserReturnsTheMailboxWithoutAngleBrackets(string line, string mailbox)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(mailbox, parsed.Argument);
        Assert.False(parsed.ArgumentIsNonAscii);
        Assert.False(parsed.HasParameters);
    }

    // RFC 5321 4.5.5: the null reverse-path "<>" is how bounces are sent.
    [Fact]
    public void ParserAcceptsTheNullReversePath()
    {
        var parsed = Parsed.Line("MAIL FROM:<>");
        Assert.Equal(SmtpVerb.Mail, parsed.Verb);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal("", parsed.Argument);
        Assert.Equal(Rejection.None, Parsed.Line("MAIL FROM:<> SIZE=10").Rejection);
    }

    [Fact]
    public void ParserRejectsTheNullPathAsARecipient()
    {
        Assert.Equal(Rejection.BadRecipientSyntax, Parsed.Line("RCPT TO:<>").Rejection);
    }

    // RFC 5321 4.1.2: Quoted-string = DQUOTE *QcontentSMTP DQUOTE; quoted-pairSMTP = "\" %d32-126.
    [Theory]
    [InlineData("MAIL FROM:<\"a b\"@example.com>", "\"a b\"@example.com")]
    [InlineData("MAIL FROM:<\"a\\\"b\"@example.com>", "\"a\\\"b\"@example.com")]
    [InlineData("MAIL FROM:<\"a\\\\b\"@example.com>", "\"a\\\\b\"@example.com")]
    [InlineData("MAIL FROM:<\"a@b\"@example.com>", "\"a@b\"@example.com")]
    [InlineData("MAIL FROM:<\"\"@example.com>", "\"\"@example.com")]
    [InlineData("RCPT TO:<\"john..doe\"@example.com>", "\"john..doe\"@example.com")]
    [InlineData("RCPT TO:<\"<>\"@example.com>", "\"<>\"@example.com")]
    public void ParserAcceptsQuotedLocalParts(string line, string mailbox)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(mailbox, parsed.Argument);
    }

    [Theory]
    [InlineData("MAIL FROM:<\"unterminated@example.com>")]
    [InlineData("MAIL FROM:<\"a\"b@example.com>")]
    [InlineData("MAIL FROM:<\"a\\\u0001\"@example.com>")]
    [InlineData("MAIL FROM:<\"a\\")]
    [InlineData("MAIL FROM:<a b@example.com>")]
    [InlineData("MAIL FROM:<.a@example.com>")]
    [InlineData("MAIL FROM:<a.@example.com>")]
    [InlineData("MAIL FROM:<a..b@example.com>")]
    [InlineData("MAIL FROM:<@example.com>")]
    [InlineData("MAIL FROM:<a@>")]
    [InlineData("MAIL FROM:<a>")]
    [InlineData("MAIL FROM:<a@example.com")]
    [InlineData("MAIL FROM:a@example.com")]
    [InlineData("MAIL FROM:<a@example.com>x")]
    [InlineData("MAIL FROM:<a@-example.com>")]
    [InlineData("MAIL FROM:<a@example..com>")]
    [InlineData("MAIL FROM:<a@exa_mple.com>")]
    [InlineData("MAIL FROM:<<a@example.com>>")]
    [InlineData("MAIL FROM:<a@@example.com>")]
    [InlineData("MAIL FROM:<")]
    [InlineData("MAIL FROM:")]
    public void ParserRejectsMalformedSenderPaths(string line)
    {
        Assert.Equal(Rejection.BadSenderSyntax, Parsed.Line(line).Rejection);
    }

    [Theory]
    [InlineData("MAIL <a@example.com>")]
    [InlineData("MAIL TO:<a@example.com>")]
    [InlineData("MAIL")]
    [InlineData("RCPT FROM:<a@example.com>")]
    [InlineData("RCPT <a@example.com>")]
    [InlineData("RCPT")]
    public void ParserRejectsMailAndRcptWithoutTheirKeyword(string line)
    {
        Assert.Equal(Rejection.InvalidArguments, Parsed.Line(line).Rejection);
    }

    [Theory]
    [InlineData("RCPT TO:<a@example.com")]
    [InlineData("RCPT TO:<a..b@example.com>")]
    [InlineData("RCPT TO:<a@example.com>x")]
    [InlineData("RCPT TO:a@example.com")]
    public void ParserRejectsMalformedRecipientPaths(string line)
    {
        Assert.Equal(Rejection.BadRecipientSyntax, Parsed.Line(line).Rejection);
    }

    // RFC 5321 4.1.1.3 and appendix C: source routes are accepted and their hops ignored.
    [Theory]
    [InlineData("MAIL FROM:<@a.example,@b.example:u@c.example>", "u@c.example")]
    [InlineData("RCPT TO:<@a.example,@b.example:u@c.example>", "u@c.example")]
    [InlineData("RCPT TO:<@a.example:u@c.example>", "u@c.example")]
    public void ParserReturnsTheMailboxWithoutItsSourceRoute(string line, string mailbox)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(mailbox, parsed.Argument);
    }

    [Theory]
    [InlineData("RCPT TO:<@a.example>")]
    [InlineData("RCPT TO:<@:u@c.example>")]
    [InlineData("RCPT TO:<@a.example,:u@c.example>")]
    [InlineData("RCPT TO:<@a.example,b.example:u@c.example>")]
    [InlineData("RCPT TO:<@a.example;u@c.example>")]
    [InlineData("RCPT TO:<@[192.0.2.1]:u@c.example>")]
    [InlineData("RCPT TO:<@a.example:>")]
    public void ParserRejectsMalformedSourceRoutes(string line)
    {
        Assert.Equal(Rejection.BadRecipientSyntax, Parsed.Line(line).Rejection);
    }

    // RFC 5321 4.1.1.3: "Postmaster" without a domain is a valid forward-path, never a reverse-path.
    [Theory]
    [InlineData("RCPT TO:<Postmaster>", "Postmaster")]
    [InlineData("RCPT TO:<postmaster>", "postmaster")]
    [InlineData("RCPT TO:<POSTMASTER>", "POSTMASTER")]
    public void ParserAcceptsBarePostmasterAsARecipient(string line, string mailbox)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(mailbox, parsed.Argument);
    }

    [Theory]
    [InlineData("MAIL FROM:<Postmaster>", Rejection.BadSenderSyntax)]
    [InlineData("RCPT TO:<Postmistress>", Rejection.BadRecipientSyntax)]
    [InlineData("RCPT TO:<Postmasters>", Rejection.BadRecipientSyntax)]
    [InlineData("RCPT TO:<@a.example:Postmaster>", Rejection.BadRecipientSyntax)]
    public void ParserAllowsNoOtherBareLocalPart(string line, Rejection expected)
    {
        Assert.Equal(expected, Parsed.Line(line).Rejection);
    }

    // RFC 5321 4.1.3 address literals in paths.
    [Theory]
    [InlineData("RCPT TO:<u@[192.0.2.1]>", "u@[192.0.2.1]")]
    [InlineData("RCPT TO:<u@[IPv6:2001:db8::1]>", "u@[IPv6:2001:db8::1]")]
    [InlineData("MAIL FROM:<u@[IPv6:::ffff:192.0.2.1]>", "u@[IPv6:::ffff:192.0.2.1]")]
    public void ParserAcceptsAddressLiteralDomains(string line, string mailbox)
    {
        var parsed = Parsed.Line(line);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(mailbox, parsed.Argument);
    }

    [Theory]
    [InlineData("RCPT TO:<u@[192.0.2.256]>")]
    [InlineData("RCPT TO:<u@[192.0.2.1>")]
    [InlineData("RCPT TO:<u@[192.0.2.1]x>")]
    [InlineData("RCPT TO:<u@[IPv6:1:2:3:4:5]>")]
    [InlineData("RCPT TO:<u@[]>")]
    public void ParserRejectsBadAddressLiteralDomains(string line)
    {
        Assert.Equal(Rejection.BadRecipientSyntax, Parsed.Line(line).Rejection);
    }

    // RFC 5321 4.5.3.1.1: a local part is at most 64 octets.
    [Fact]
    public void ParserAcceptsALocalPartOfSixtyFourOctets()
    {
        var parsed = Parsed.Line($"MAIL FROM:<{new string('a', 64)}@example.com>");
        Assert.Equal(Rejection.None, parsed.Rejection);
    }

    [Theory]
    [InlineData("MAIL FROM:<{0}@example.com>", Rejection.SenderPathTooLong)]
    [InlineData("RCPT TO:<{0}@example.com>", Rejection.RecipientPathTooLong)]
    [InlineData("RCPT TO:<\"{0}\"@example.com>", Rejection.RecipientPathTooLong)]
    public void ParserRejectsALocalPartOverSixtyFourOctetsAsTooLong(string format, Rejection expected)
    {
        Assert.Equal(expected, Parsed.Line(string.Format(format, new string('a', 65))).Rejection);
    }

    // RFC 5321 4.5.3.1.3: a path is at most 256 octets "including the punctuation and element
    // separators", so the angle brackets count.
    [Fact]
    public void ParserAcceptsAPathOfExactly256Octets()
    {
        var path = Path(256);
        Assert.Equal(256, path.Length);
        Assert.Equal(Rejection.None, Parsed.Line($"MAIL FROM:{path}").Rejection);
        Assert.Equal(Rejection.None, Parsed.Line($"RCPT TO:{path}").Rejection);
    }

    [Fact]
    public void ParserRejectsAPathOf257OctetsAsTooLong()
    {
        var path = Path(257);
        Assert.Equal(257, path.Length);
        var mail = Parsed.Line($"MAIL FROM:{path}");
        Assert.Equal(Rejection.SenderPathTooLong, mail.Rejection);
        Assert.Equal("", mail.Argument);
        Assert.Equal(Rejection.RecipientPathTooLong, Parsed.Line($"RCPT TO:{path}").Rejection);
    }

    [Fact]
    public void ParserCountsTheSourceRouteInThePathLength()
    {
        var route = "@" + new string('r', 60) + ".example:";
        var mailbox = new string('a', 64) + "@" + new string('b', 63) + "." + new string('c', 50) + ".example";
        var path = $"<{route}{mailbox}>";
        Assert.True(path.Length > 256);
        Assert.True(mailbox.Length + 2 <= 256);
        Assert.Equal(Rejection.RecipientPathTooLong, Parsed.Line($"RCPT TO:{path}").Rejection);
    }

    // RFC 6531 3.3: UTF-8 mailboxes are legal, and need SMTPUTF8; the parser flags them.
    [Theory]
    [InlineData("MAIL FROM:<用户@例子.广告> SMTPUTF8", "用户@例子.广告")]
    [InlineData("MAIL FROM:<user@bücher.example>", "user@bücher.example")]
    [InlineData("RCPT TO:<θσερ@example.com>", "θσερ@example.com")]
    [InlineData("RCPT TO:<\"δ δ\"@example.com>", "\"δ δ\"@example.com")]
    public void ParserFlagsUtf8Mailboxes(string line, string mailbox)
    {
        var parsed = Parsed.Line(Encoding.UTF8.GetBytes(line));
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.True(parsed.ArgumentIsNonAscii);
        Assert.Equal(mailbox, parsed.Argument);
    }

    [Theory]
    [InlineData("MAIL FROM:<\u00ff@example.com>", Rejection.BadSenderSyntax)]
    [InlineData("MAIL FROM:<u@\u00ff.example>", Rejection.BadSenderSyntax)]
    [InlineData("RCPT TO:<\u00c0\u00af@example.com>", Rejection.BadRecipientSyntax)]
    [InlineData("RCPT TO:<\u00e4@example.com>", Rejection.BadRecipientSyntax)]
    [InlineData("RCPT TO:<\"\u00ed\u00a0\u0080\"@example.com>", Rejection.BadRecipientSyntax)]
    [InlineData("RCPT TO:<a\u00f0\u009f\u0098@example.com>", Rejection.BadRecipientSyntax)]
    public void ParserRejectsInvalidUtf8InMailboxes(string latin1Line, Rejection expected)
    {
        // Latin-1 maps each char to one byte: \u00ff is the lone byte 0xFF, \u00c0\u00af an
        // overlong '/', \u00e4 a truncated sequence, ED A0 80 a surrogate, F0 9F 98 a cut emoji.
        var parsed = Parsed.Line(latin1Line);
        Assert.Equal(expected, parsed.Rejection);
        Assert.Equal("", parsed.Argument);
    }

    [Fact]
    public void ParserDoesNotFlagAsciiMailboxesAsNonAscii()
    {
        Assert.False(Parsed.Line("MAIL FROM:<\"a b\"@example.com> SMTPUTF8").ArgumentIsNonAscii);
    }

    private static string Path(int length)
    {
        // "<" local "@" domain ">" with a 64-octet local part and labels of at most 63.
        var domainLength = length - 3 - 64;
        var labels = new List<string>();
        while (domainLength > 0)
        {
            var label = Math.Min(63, domainLength);
            if (domainLength - label == 1)
            {
                label--;
            }

            labels.Add(new string((char)('a' + labels.Count), label));
            domainLength -= label + 1;
        }

        return $"<{new string('l', 64)}@{string.Join('.', labels)}>";
    }
}
