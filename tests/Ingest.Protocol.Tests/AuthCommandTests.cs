using System.Text;
using Ingest.Protocol;

namespace Ingest.Protocol.Tests;

/// <summary>AUTH (RFC 4954 4), STARTTLS (RFC 3207 4) and the PLAIN message (RFC 4616 2).</summary>
public sealed class AuthCommandTests
{
    [Theory]
    [InlineData("AUTH PLAIN", SaslMechanism.Plain, false, "")]
    [InlineData("auth plain AGEAYg==", SaslMechanism.Plain, true, "AGEAYg==")]
    [InlineData("AUTH LOGIN", SaslMechanism.Login, false, "")]
    [InlineData("AUTH Login YWxpY2U=", SaslMechanism.Login, true, "YWxpY2U=")]
    [InlineData("AUTH PLAIN =", SaslMechanism.Plain, true, "=")]
    public void ParserReadsMechanismAndInitialResponse(string line, SaslMechanism mechanism, bool hasResponse, string response)
    {
        var command = CommandParser.Parse(Encoding.ASCII.GetBytes(line));
        Assert.Equal(SmtpVerb.Auth, command.Verb);
        Assert.Equal(Rejection.None, command.Rejection);
        Assert.Equal(mechanism, command.Mechanism);
        Assert.Equal(hasResponse, command.HasParameters);
        Assert.Equal(response, Encoding.ASCII.GetString(command.Argument));
    }

    [Theory]
    [InlineData("AUTH", Rejection.InvalidArguments)]
    [InlineData("AUTH  PLAIN", Rejection.InvalidArguments)]
    [InlineData("AUTH PLAIN a b", Rejection.InvalidArguments)]
    [InlineData("AUTH PLAIN a\u0001", Rejection.InvalidArguments)]
    [InlineData("AUTH CRAM-MD5", Rejection.UnsupportedAuthMechanism)]
    [InlineData("AUTH PLAINX", Rejection.UnsupportedAuthMechanism)]
    [InlineData("STARTTLS now", Rejection.ArgumentsNotAllowed)]
    public void ParserRefusesMalformedAuthAndStartTls(string line, Rejection expected)
    {
        Assert.Equal(expected, CommandParser.Parse(Encoding.ASCII.GetBytes(line)).Rejection);
    }

    [Fact]
    public void StartTlsWithoutArgumentsIsValid()
    {
        var command = CommandParser.Parse("starttls"u8);
        Assert.Equal(SmtpVerb.StartTls, command.Verb);
        Assert.Equal(Rejection.None, command.Rejection);
    }

    [Theory]
    [InlineData("\0alice\0secret", "", "alice", "secret")]
    [InlineData("admin\0alice\0secret", "admin", "alice", "secret")]
    public void PlainMessageSplitsIntoItsThreeParts(string message, string authzid, string user, string password)
    {
        Assert.True(SaslPlain.TryParse(Encoding.UTF8.GetBytes(message), out var a, out var u, out var p));
        Assert.Equal(authzid, Encoding.UTF8.GetString(a));
        Assert.Equal(user, Encoding.UTF8.GetString(u));
        Assert.Equal(password, Encoding.UTF8.GetString(p));
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice")]
    [InlineData("\0alice")]
    [InlineData("\0\0secret")]
    [InlineData("\0alice\0")]
    [InlineData("\0alice\0sec\0ret")]
    public void MalformedPlainMessagesAreRefused(string message)
    {
        Assert.False(SaslPlain.TryParse(Encoding.UTF8.GetBytes(message), out _, out _, out _));
    }

    [Fact]
    public void PlainPartsLongerThan255OctetsAreRefused()
    {
        Assert.False(SaslPlain.TryParse(Encoding.UTF8.GetBytes("\0" + new string('u', 256) + "\0p"), out _, out _, out _));
        Assert.True(SaslPlain.TryParse(Encoding.UTF8.GetBytes("\0" + new string('u', 255) + "\0p"), out _, out _, out _));
    }
}
