namespace Ingest.Protocol.Tests;

/// <summary>MAIL parameters (RFC 5321 4.1.2 esmtp-param; RFC 1870 SIZE; RFC 6152 BODY; RFC 6531 SMTPUTF8).</summary>
public class MailParameterTests
{
    private const string From = "MAIL FROM:<a@example.com> ";

    [Fact]
    public void ParserReportsNoParametersWhenNoneWereSent()
    {
        var parsed = Parsed.Line("MAIL FROM:<a@example.com>");
        Assert.False(parsed.HasParameters);
        Assert.Equal(new MailParameters(null, BodyType.Unspecified, false), parsed.Mail);
    }

    [Fact]
    public void ParserReadsAllAdvertisedParametersTogether()
    {
        var parsed = Parsed.Line(From + "SIZE=1000 BODY=8BITMIME SMTPUTF8");
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.True(parsed.HasParameters);
        Assert.Equal(new MailParameters(1000UL, BodyType.EightBitMime, true), parsed.Mail);
        Assert.Equal("a@example.com", parsed.Argument);
    }

    [Theory]
    [InlineData("size=0", 0UL)]
    [InlineData("SIZE=1", 1UL)]
    [InlineData("Size=52428800", 52428800UL)]
    [InlineData("SIZE=00000000000000000042", 42UL)]
    [InlineData("SIZE=18446744073709551615", ulong.MaxValue)]
    public void ParserReadsSize(string parameter, ulong expected)
    {
        var parsed = Parsed.Line(From + parameter);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(expected, parsed.Mail.DeclaredSize);
    }

    // RFC 1870 3: size-value ::= 1*20DIGIT. Twenty digits can exceed 64 bits; such values
    // saturate so that they still fail the size limit rather than wrap to something small.
    [Theory]
    [InlineData("SIZE=18446744073709551616")]
    [InlineData("SIZE=18446744073709551619")]
    [InlineData("SIZE=18446744073709551620")]
    [InlineData("SIZE=36893488147419103232")]
    [InlineData("SIZE=99999999999999999999")]
    public void ParserSaturatesTwentyDigitSizesBeyondSixtyFourBits(string parameter)
    {
        var parsed = Parsed.Line(From + parameter);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(ulong.MaxValue, parsed.Mail.DeclaredSize);
    }

    [Theory]
    [InlineData("SIZE=100000000000000000000", Rejection.InvalidParameterValue)]
    [InlineData("SIZE=000000000000000000001", Rejection.InvalidParameterValue)]
    [InlineData("SIZE=-1", Rejection.InvalidParameterValue)]
    [InlineData("SIZE=+1", Rejection.InvalidParameterValue)]
    [InlineData("SIZE=1k", Rejection.InvalidParameterValue)]
    [InlineData("SIZE=0x10", Rejection.InvalidParameterValue)]
    [InlineData("SIZE", Rejection.InvalidParameterValue)]
    [InlineData("SIZE=", Rejection.InvalidArguments)]
    [InlineData("SIZE==1", Rejection.InvalidArguments)]
    public void ParserRejectsMalformedSize(string parameter, Rejection expected)
    {
        Assert.Equal(expected, Parsed.Line(From + parameter).Rejection);
    }

    [Fact]
    public void ParserRejectsAHugeSizeWithoutTrouble()
    {
        // Hostile input: thousands of digits must be refused, not parsed or allocated for.
        var parsed = Parsed.Line(From + "SIZE=" + new string('9', 4000));
        Assert.Equal(Rejection.InvalidParameterValue, parsed.Rejection);
        Assert.Equal(default, parsed.Mail);
    }

    [Theory]
    [InlineData("BODY=7BIT", BodyType.SevenBit)]
    [InlineData("body=7bit", BodyType.SevenBit)]
    [InlineData("BODY=8BITMIME", BodyType.EightBitMime)]
    [InlineData("Body=8bitMime", BodyType.EightBitMime)]
    [InlineData("BODY=BINARYMIME", BodyType.BinaryMime)]
    [InlineData("body=binarymime", BodyType.BinaryMime)]
    public void ParserReadsBody(string parameter, BodyType expected)
    {
        var parsed = Parsed.Line(From + parameter);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(expected, parsed.Mail.Body);
    }

    // RFC 6152 2 and RFC 3030 3: only 7BIT, 8BITMIME and BINARYMIME.
    [Theory]
    [InlineData("BODY=BINARY")]
    [InlineData("BODY=BINARYMIMEX")]
    [InlineData("BODY=8BIT")]
    [InlineData("BODY=7BITS")]
    [InlineData("BODY")]
    public void ParserRejectsABodyValueItDoesNotSupport(string parameter)
    {
        Assert.Equal(Rejection.InvalidParameterValue, Parsed.Line(From + parameter).Rejection);
    }

    // RFC 8689 4: REQUIRETLS is a bare keyword.
    [Theory]
    [InlineData("REQUIRETLS")]
    [InlineData("requiretls")]
    [InlineData("SIZE=10 RequireTls SMTPUTF8")]
    public void ParserReadsRequireTls(string parameters)
    {
        var parsed = Parsed.Line(From + parameters);
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.True(parsed.Mail.RequireTls);
    }

    [Theory]
    [InlineData("REQUIRETLS=yes", Rejection.InvalidParameterValue)]
    [InlineData("REQUIRETLS=", Rejection.InvalidArguments)]
    [InlineData("REQUIRETLS REQUIRETLS", Rejection.DuplicateParameter)]
    [InlineData("REQUIRETLS requiretls", Rejection.DuplicateParameter)]
    [InlineData("REQUIRE-TLS", Rejection.UnknownParameter)]
    public void ParserRejectsMalformedRequireTls(string parameters, Rejection expected)
    {
        var parsed = Parsed.Line(From + parameters);
        Assert.Equal(expected, parsed.Rejection);
        Assert.False(parsed.Mail.RequireTls);
    }

    [Fact]
    public void ParserReadsSmtpUtf8()
    {
        var parsed = Parsed.Line(From + "smtputf8");
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.True(parsed.Mail.SmtpUtf8);
    }

    // RFC 6531 3.4: "SMTPUTF8" takes no value.
    [Theory]
    [InlineData("SMTPUTF8=yes")]
    [InlineData("SMTPUTF8=1")]
    public void ParserRejectsSmtpUtf8WithAValue(string parameter)
    {
        Assert.Equal(Rejection.InvalidParameterValue, Parsed.Line(From + parameter).Rejection);
    }

    [Theory]
    [InlineData("SIZE=1 SIZE=2")]
    [InlineData("SIZE=1 size=1")]
    [InlineData("BODY=7BIT BODY=8BITMIME")]
    [InlineData("SMTPUTF8 SMTPUTF8")]
    [InlineData("SMTPUTF8 SIZE=5 smtputf8")]
    public void ParserRejectsADuplicateParameter(string parameters)
    {
        var parsed = Parsed.Line(From + parameters);
        Assert.Equal(Rejection.DuplicateParameter, parsed.Rejection);
        Assert.Equal(default, parsed.Mail);
    }

    // RFC 5321 4.1.1.11: a parameter the server did not advertise is answered 555.
    [Theory]
    [InlineData("NOTIFY=NEVER")]
    [InlineData("ORCPT=rfc822;a@example.com")]
    [InlineData("X-FOO")]
    [InlineData("SIZE=10 HOLDFOR=60")]
    public void ParserRejectsUnknownMailParameters(string parameters)
    {
        Assert.Equal(Rejection.UnknownParameter, Parsed.Line(From + parameters).Rejection);
    }

    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"); esmtp-value = 1*(%d33-60 / %d62-126).
    [Theory]
    [InlineData("-SIZE=1")]
    [InlineData("SI_ZE=1")]
    [InlineData("=1")]
    [InlineData("X-FOO=")]
    [InlineData("X-FOO=a=b")]
    public void ParserRejectsMalformedParameterSyntax(string parameters)
    {
        Assert.Equal(Rejection.InvalidArguments, Parsed.Line(From + parameters).Rejection);
    }

    [Fact]
    public void ParserToleratesRepeatedSpacesBetweenParameters()
    {
        var parsed = Parsed.Line(From + "SIZE=5   BODY=7BIT  ");
        Assert.Equal(Rejection.None, parsed.Rejection);
        Assert.Equal(new MailParameters(5UL, BodyType.SevenBit, false), parsed.Mail);
    }

    [Fact]
    public void ParserNeedsASpaceBetweenPathAndParameters()
    {
        Assert.Equal(Rejection.BadSenderSyntax, Parsed.Line("MAIL FROM:<a@example.com>SIZE=5").Rejection);
    }

    [Fact]
    public void ParserKeepsTheSenderWhenAParameterIsRejected()
    {
        var parsed = Parsed.Line(From + "FOO=BAR");
        Assert.Equal("a@example.com", parsed.Argument);
        Assert.True(parsed.HasParameters);
    }

    // RFC 4954 5: AUTH=<mailbox> or AUTH=<> is accepted for its syntax and otherwise ignored.
    [Theory]
    [InlineData("AUTH=<>")]
    [InlineData("AUTH=alice+40example.org")]
    [InlineData("SIZE=10 AUTH=<> BODY=8BITMIME")]
    public void ParserAcceptsTheAuthParameter(string parameters)
    {
        Assert.Equal(Rejection.None, Parsed.Line(From + parameters).Rejection);
    }

    [Theory]
    [InlineData("AUTH", Rejection.InvalidParameterValue)]
    [InlineData("AUTH=<> AUTH=<>", Rejection.DuplicateParameter)]
    public void ParserRefusesAMalformedAuthParameter(string parameters, Rejection expected)
    {
        Assert.Equal(expected, Parsed.Line(From + parameters).Rejection);
    }
}
