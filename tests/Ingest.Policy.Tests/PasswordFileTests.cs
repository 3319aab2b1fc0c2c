using System.Text;

namespace Ingest.Policy.Tests;

/// <summary>The user:hash password file: what is ignored, what is an error, and on which line.</summary>
public sealed class PasswordFileTests : IDisposable
{
    private const int Iterations = 1000;

    private static readonly string AliceHash = PasswordHash.Hash("alice-pw"u8, Iterations);
    private static readonly string BobHash = PasswordHash.Hash("bob-pw"u8, Iterations);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static PasswordFile Parse(string content)
    {
        Assert.True(PasswordFile.TryParse(Encoding.UTF8.GetBytes(content), Iterations, out var file, out var errors), string.Join("\n", errors));
        Assert.Empty(errors);
        return file;
    }

    private static IReadOnlyList<PasswordFileError> Errors(byte[] content)
    {
        Assert.False(PasswordFile.TryParse(content, Iterations, out var file, out var errors));
        Assert.Null(file);
        return errors;
    }

    private static bool Verifies(PasswordFile file, string user, ReadOnlySpan<byte> password) =>
        file.TryGetHash(user, out var hash) && PasswordHash.Verify(password, hash);

    [Fact]
    public void CommentsBlankLinesAndCrlfAreIgnored()
    {
        var file = Parse($"# users of the gateway\r\n\r\n   \n\t# indented comment\nalice:{AliceHash}\r\n\nbob:{BobHash}");
        Assert.Equal(2, file.Count);
        Assert.True(Verifies(file, "alice", "alice-pw"u8));
        Assert.True(Verifies(file, "bob", "bob-pw"u8));
        Assert.False(Verifies(file, "bob", "alice-pw"u8));
    }

    [Fact]
    public void ByteOrderMarkAndWhiteSpaceAroundTheHashAreTolerated()
    {
        var file = Parse($"\uFEFFalice: {AliceHash} \t\r\n");
        Assert.True(Verifies(file, "alice", "alice-pw"u8));
    }

    [Fact]
    public void UserNamesAreCaseSensitive()
    {
        var file = Parse($"alice:{AliceHash}\nAlice:{BobHash}\n");
        Assert.Equal(2, file.Count);
        Assert.True(Verifies(file, "Alice", "bob-pw"u8));
        Assert.False(Verifies(file, "ALICE", "alice-pw"u8));
    }

    [Fact]
    public void UserNamesMayBeUtf8AndHoldSpacesAndAtSigns()
    {
        var file = Parse($"jürgen müller@example.com:{AliceHash}\n");
        Assert.True(Verifies(file, "jürgen müller@example.com", "alice-pw"u8));
    }

    [Fact]
    public void EmptyFileIsValidAndHasNoUsers()
    {
        Assert.Equal(0, Parse("# nobody yet\n").Count);
        Assert.Equal(0, Parse("").Count);
    }

    [Fact]
    public void DuplicateUserIsAnErrorNamingBothLines()
    {
        var error = Assert.Single(Errors(Encoding.UTF8.GetBytes($"# comment\nalice:{AliceHash}\nbob:{BobHash}\nalice:{BobHash}\n")));
        Assert.Equal(4, error.Line);
        Assert.Equal(PasswordFileProblem.DuplicateUser, error.Problem);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("line 4: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBadLineIsReportedWithItsLineNumber()
    {
        var content = new MemoryStream();
        void Line(string text) => content.Write(Encoding.UTF8.GetBytes(text + "\n"));
        Line($"alice:{AliceHash}");                                     // 1 fine
        Line("just some text");                                         // 2
        Line($":{BobHash}");                                            // 3
        Line($"bo\tb:{BobHash}");                                       // 4
        Line($" bob:{BobHash}");                                        // 5
        Line($"bob :{BobHash}");                                        // 6
        Line("carol:$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"); // 7
        Line("dave:hunter2");                                           // 8
        Line("erin:$pbkdf2-sha256$999$AAECAwQFBgcICQoLDA0ODw==$T0Z5wUqa/rr8kWb7KeLsnYrEP6Go8Ns+sglAvd4sSjw="); // 9
        content.Write([(byte)'f', 0xC3, 0x28, (byte)':']);              // 10: not UTF-8
        Line(BobHash);
        Line($"frank:{BobHash[..^4]}");                                 // 11
        Line("grace:$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$T0Z5wUqa/rr8kWb7KeLsnYrEP6Go8Ns+sglAvd4sSjw=ü"); // 12: not ASCII
        Line("# fine");                                                 // 13
        content.Write("heidi:"u8);                                      // 14: no hash, no final newline

        var errors = Errors(content.ToArray());
        Assert.Equal(
            [
                (2, PasswordFileProblem.MissingSeparator, PasswordHashError.None),
                (3, PasswordFileProblem.BadUserName, PasswordHashError.None),
                (4, PasswordFileProblem.BadUserName, PasswordHashError.None),
                (5, PasswordFileProblem.BadUserName, PasswordHashError.None),
                (6, PasswordFileProblem.BadUserName, PasswordHashError.None),
                (7, PasswordFileProblem.BadHash, PasswordHashError.UnknownScheme),
                (8, PasswordFileProblem.BadHash, PasswordHashError.Malformed),
                (9, PasswordFileProblem.BadHash, PasswordHashError.IterationsTooLow),
                (10, PasswordFileProblem.BadUserName, PasswordHashError.None),
                (11, PasswordFileProblem.BadHash, PasswordHashError.BadHash),
                (12, PasswordFileProblem.BadHash, PasswordHashError.Malformed),
                (14, PasswordFileProblem.BadHash, PasswordHashError.Malformed),
            ],
            errors.Select(e => (e.Line, e.Problem, e.HashError)));
    }

    [Fact]
    public void ErrorsNeverQuoteASecret()
    {
        var errors = Errors(Encoding.UTF8.GetBytes($"dave:hunter2\nerin:{AliceHash[..^2]}\nplain-secret-line\n"));
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.DoesNotContain("hunter2", e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(AliceHash[20..40], e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("plain-secret", e.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ErrorsStopBeingListedAfterTheCap()
    {
        var errors = Errors(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("garbage\n", 1000))));
        Assert.Equal(PasswordFile.MaxErrors + 1, errors.Count);
        Assert.Equal(PasswordFileProblem.TooManyErrors, errors[^1].Problem);
        Assert.Equal(PasswordFile.MaxErrors + 1, errors[^1].Line);
    }

    [Fact]
    public void UnknownUsersAreCheckedAgainstADecoyAsSlowAsTheSlowestRealUser()
    {
        var slower = PasswordHash.Hash("x"u8, 1500);
        var file = Parse($"alice:{AliceHash}\nbob:{slower}\n");
        Assert.Equal(1500, file.Decoy.Iterations);
        Assert.False(PasswordHash.Verify("alice-pw"u8, file.Decoy));
        Assert.Equal(PasswordHash.DefaultIterations, Parse("").Decoy.Iterations);
    }

    [Fact]
    public void LoadReadsTheFile()
    {
        var path = _directory.File("users");
        File.WriteAllText(path, $"alice:{AliceHash}\n");
        Assert.True(PasswordFile.TryLoad(path, Iterations, out var file, out var errors));
        Assert.Empty(errors);
        Assert.True(Verifies(file, "alice", "alice-pw"u8));
    }

    [Fact]
    public void PublicLoadAppliesTheTenThousandIterationFloor()
    {
        var path = _directory.File("users");
        File.WriteAllText(path, $"alice:{AliceHash}\n");
        Assert.False(PasswordFile.TryLoad(path, out _, out var errors));
        Assert.Equal(PasswordHashError.IterationsTooLow, Assert.Single(errors).HashError);
    }

    [Fact]
    public void MissingFileIsAnErrorForTheWholeFile()
    {
        Assert.False(PasswordFile.TryLoad(_directory.File("absent"), Iterations, out _, out var errors));
        var error = Assert.Single(errors);
        Assert.Equal((0, PasswordFileProblem.Unreadable), (error.Line, error.Problem));
        Assert.Contains("absent", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryIsNotAPasswordFile()
    {
        Assert.False(PasswordFile.TryLoad(_directory.Path, Iterations, out _, out var errors));
        Assert.Equal(PasswordFileProblem.Unreadable, Assert.Single(errors).Problem);
    }

    [Fact]
    public void FileLargerThanTheBoundIsRefusedUnread()
    {
        var path = _directory.File("huge");
        using (var stream = File.Create(path))
        {
            // Sparse: the length is what counts, nothing is written.
            stream.SetLength(PasswordFile.MaxFileSize + 1);
        }

        Assert.False(PasswordFile.TryLoad(path, Iterations, out _, out var errors));
        Assert.Equal((0, PasswordFileProblem.TooLarge), (Assert.Single(errors).Line, errors[0].Problem));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("alice@example.com", true)]
    [InlineData("a b", true)]
    [InlineData("jürgen", true)]
    [InlineData("", false)]
    [InlineData("a:b", false)]
    [InlineData(" alice", false)]
    [InlineData("alice ", false)]
    [InlineData("ali\0ce", false)]
    [InlineData("ali\u007fce", false)]
    [InlineData("ali\u0085ce", false)]
    [InlineData("alice\r", false)]
    public void UserNameRules(string userName, bool valid)
    {
        Assert.Equal(valid, PasswordFile.IsValidUserName(userName));
    }
}
