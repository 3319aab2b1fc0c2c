using System.Text;
using Ingest.Host;
using Ingest.Policy;
using Ingest.Session;

namespace Ingest.Functional.Tests;

/// <summary>The operator's hash-password tool makes lines the password file accepts.</summary>
public sealed class HashPasswordCommandTests
{
    private static (int Code, string Out, string Error) Run(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = HashPasswordCommand.Run(new StringReader(stdin), output, error, args);
        return (code, output.ToString().Trim(), error.ToString());
    }

    [Fact]
    public void PrintedHashVerifiesThePasswordReadFromStandardInput()
    {
        var (code, hash, _) = Run("correct horse\n", "--iterations", "10000");
        Assert.Equal(0, code);
        Assert.StartsWith("$pbkdf2-sha256$10000$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHash.TryParse(hash, out var parsed));
        Assert.True(PasswordHash.Verify(Encoding.UTF8.GetBytes("correct horse"), parsed));
        Assert.False(PasswordHash.Verify(Encoding.UTF8.GetBytes("correct horse "), parsed));
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("pw\n", new[] { "--iterations", "12" })]
    [InlineData("pw\n", new[] { "--bogus" })]
    public void NoPasswordOrBadArgumentsFail(string stdin, string[] args)
    {
        var (code, output, error) = Run(stdin, args);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.NotEqual("", error);
    }
}
