using System.Text;

namespace Ingest.Policy.Tests;

/// <summary>PBKDF2-HMAC-SHA256 hashes in their $pbkdf2-sha256$ text form.</summary>
public sealed class PasswordHashTests
{
    // Cheap enough for tests; the floor is lowered to match through the internal overload.
    private const int Iterations = 1000;

    // bytes 0..15 and PBKDF2-HMAC-SHA256("pässword" in UTF-8, salt, 1000, 32) from Python's hashlib (OpenSSL).
    private const string Salt = "AAECAwQFBgcICQoLDA0ODw==";
    private const string Digest = "T0Z5wUqa/rr8kWb7KeLsnYrEP6Go8Ns+sglAvd4sSjw=";
    private const string Independent = "$pbkdf2-sha256$1000$" + Salt + "$" + Digest;

    private static ParsedHash Parse(string text)
    {
        Assert.True(PasswordHash.TryParse(text, Iterations, out var hash, out var error), error.ToString());
        return hash;
    }

    [Fact]
    public void HashedPasswordVerifies()
    {
        var hash = Parse(PasswordHash.Hash("correct horse"u8, Iterations));
        Assert.True(PasswordHash.Verify("correct horse"u8, hash));
    }

    [Theory]
    [InlineData("correct hors")]
    [InlineData("correct horse ")]
    [InlineData("Correct horse")]
    [InlineData("")]
    public void WrongPasswordDoesNotVerify(string attempt)
    {
        var hash = Parse(PasswordHash.Hash("correct horse"u8, Iterations));
        Assert.False(PasswordHash.Verify(Encoding.UTF8.GetBytes(attempt), hash));
    }

    [Fact]
    public void HashTextNamesSchemeAndIterationsAndCarriesSixteenByteSaltAndThirtyTwoByteDigest()
    {
        var text = PasswordHash.Hash("pw"u8, Iterations);
        var fields = text.Split('$');
        Assert.Equal(["", "pbkdf2-sha256", "1000"], fields[..3]);
        Assert.Equal(16, Convert.FromBase64String(fields[3]).Length);
        Assert.Equal(32, Convert.FromBase64String(fields[4]).Length);
    }

    [Fact]
    public void EveryHashHasAFreshSalt()
    {
        var first = PasswordHash.Hash("pw"u8, Iterations);
        var second = PasswordHash.Hash("pw"u8, Iterations);
        Assert.NotEqual(first, second);
        Assert.True(PasswordHash.Verify("pw"u8, Parse(second)));
    }

    [Fact]
    public void HashMadeByAnotherPbkdf2ImplementationVerifies()
    {
        var hash = Parse(Independent);
        Assert.Equal(1000, hash.Iterations);
        Assert.True(PasswordHash.Verify("pässword"u8, hash));
        Assert.False(PasswordHash.Verify("password"u8, hash));
    }

    [Theory]
    [InlineData("$pbkdf2-sha256$1001$" + Salt + "$" + Digest)]
    [InlineData("$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODg==$" + Digest)]
    [InlineData("$pbkdf2-sha256$1000$" + Salt + "$T0Z5wUqa/rr8lWb7KeLsnYrEP6Go8Ns+sglAvd4sSjw=")]
    [InlineData("$pbkdf2-sha256$1000$" + Salt + "$U0Z5wUqa/rr8kWb7KeLsnYrEP6Go8Ns+sglAvd4sSjw=")]
    public void TamperedHashParsesButMatchesNothing(string tampered)
    {
        Assert.False(PasswordHash.Verify("pässword"u8, Parse(tampered)));
    }

    [Theory]
    [InlineData("", PasswordHashError.Malformed)]
    [InlineData("hunter2", PasswordHashError.Malformed)]
    [InlineData("pbkdf2-sha256$1000$" + Salt + "$" + Digest, PasswordHashError.Malformed)]
    [InlineData("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", PasswordHashError.UnknownScheme)]
    [InlineData("$pbkdf2-sha1$1000$" + Salt + "$" + Digest, PasswordHashError.UnknownScheme)]
    [InlineData("$PBKDF2-SHA256$1000$" + Salt + "$" + Digest, PasswordHashError.UnknownScheme)]
    [InlineData("$pbkdf2-sha256$1000$" + Salt, PasswordHashError.Malformed)]
    [InlineData("$pbkdf2-sha256$1000$" + Salt + "$" + Digest + "$", PasswordHashError.Malformed)]
    [InlineData("$pbkdf2-sha256$$" + Salt + "$" + Digest, PasswordHashError.Malformed)]
    [InlineData("$pbkdf2-sha256$1e4$" + Salt + "$" + Digest, PasswordHashError.Malformed)]
    [InlineData("$pbkdf2-sha256$-1000$" + Salt + "$" + Digest, PasswordHashError.Malformed)]
    [InlineData("$pbkdf2-sha256$ 1000$" + Salt + "$" + Digest, PasswordHashError.Malformed)]
    [InlineData("$pbkdf2-sha256$99999999999$" + Salt + "$" + Digest, PasswordHashError.Malformed)]
    [InlineData("$pbkdf2-sha256$999$" + Salt + "$" + Digest, PasswordHashError.IterationsTooLow)]
    [InlineData("$pbkdf2-sha256$0$" + Salt + "$" + Digest, PasswordHashError.IterationsTooLow)]
    [InlineData("$pbkdf2-sha256$10000001$" + Salt + "$" + Digest, PasswordHashError.IterationsTooHigh)]
    [InlineData("$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0O$" + Digest, PasswordHashError.BadSalt)]
    [InlineData("$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODxA=$" + Digest, PasswordHashError.BadSalt)]
    [InlineData("$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0OD!==$" + Digest, PasswordHashError.BadSalt)]
    [InlineData("$pbkdf2-sha256$1000$AAECAwQFBgcI CQoLDA0ODw=$" + Digest, PasswordHashError.BadSalt)]
    [InlineData("$pbkdf2-sha256$1000$$" + Digest, PasswordHashError.BadSalt)]
    [InlineData("$pbkdf2-sha256$1000$" + Salt + "$T0Z5wUqa/rr8kWb7KeLsnYrEP6Go8Ns+sglAvd4sSjw", PasswordHashError.BadHash)]
    [InlineData("$pbkdf2-sha256$1000$" + Salt + "$T0Z5wUqa/rr8kWb7KeLsnYrEP6Go8Ns+sglAvd4s", PasswordHashError.BadHash)]
    [InlineData("$pbkdf2-sha256$1000$" + Salt + "$T0Z5wUqa/rr8kWb7KeLsnYrEP6Go8Ns+sglAvd4sSj#=", PasswordHashError.BadHash)]
    [InlineData("$pbkdf2-sha256$1000$" + Salt + "$", PasswordHashError.BadHash)]
    public void MalformedHashTextIsAnErrorNotAnException(string text, PasswordHashError expected)
    {
        Assert.False(PasswordHash.TryParse(text, Iterations, out var hash, out var error));
        Assert.Equal(expected, error);
        Assert.False(PasswordHash.Verify("pässword"u8, hash));
    }

    [Fact]
    public void PublicParseRefusesHashesBelowTheTenThousandIterationFloor()
    {
        Assert.False(PasswordHash.TryParse(Independent, out _, out var error));
        Assert.Equal(PasswordHashError.IterationsTooLow, error);
        Assert.True(PasswordHash.TryParse("$pbkdf2-sha256$10000$" + Salt + "$" + Digest, out var hash));
        Assert.Equal(10_000, hash.Iterations);
    }

    [Fact]
    public void DefaultCostIsOwasps2023RecommendationAndPassesThePublicFloor()
    {
        Assert.Equal(600_000, PasswordHash.DefaultIterations);
        Assert.True(PasswordHash.TryParse("$pbkdf2-sha256$600000$" + Salt + "$" + Digest, out var hash));
        Assert.Equal(600_000, hash.Iterations);
    }

    [Fact]
    public void DefaultParsedHashMatchesNoPassword()
    {
        Assert.False(PasswordHash.Verify(""u8, default));
        Assert.False(PasswordHash.Verify("pw"u8, default));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(PasswordHash.MaximumIterations + 1)]
    public void HashingWithAnImpossibleCostIsAProgrammingError(int iterations)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordHash.Hash("pw"u8, iterations));
    }
}
