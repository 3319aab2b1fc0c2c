namespace Ingest.Testing;

/// <summary>
/// The messages tests send: always the repository's generated corpus (tests/corpus, written by
/// <see cref="CorpusGenerator"/>), and in addition a larger real-world corpus when one is at hand:
/// the folder INGEST_CORPUS_DIR names, or else ../shared/corpus beside the repository if it exists.
/// No test needs the real-world one; .ci/run sets INGEST_CORPUS_DIR when it has it.
/// </summary>
public static class TestCorpus
{
    public const string DirectoryVariable = "INGEST_CORPUS_DIR";

    /// <summary>The folder of the committed generated corpus.</summary>
    public static string GeneratedDirectory => Path.Combine(RepositoryRoot(), "tests", "corpus");

    /// <summary>The generated corpus as committed, in name order.</summary>
    public static IReadOnlyList<CorpusMessage> Generated() => Read(GeneratedDirectory, "generated");

    /// <summary>The real-world corpus folder, or null when there is none (never an error: it is optional).</summary>
    public static string? RealWorldDirectory()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } named)
        {
            // Named explicitly: a wrong path is a mistake to report, not a reason to test less.
            return Directory.Exists(named) ? Path.GetFullPath(named)
                : throw new DirectoryNotFoundException($"{DirectoryVariable}={named} is not a directory");
        }

        var beside = Path.GetFullPath(Path.Combine(RepositoryRoot(), "..", "shared", "corpus"));
        return Directory.Exists(beside) ? beside : null;
    }

    /// <summary>The real-world corpus, or nothing.</summary>
    public static IReadOnlyList<CorpusMessage> RealWorld() =>
        RealWorldDirectory() is { } directory ? Read(directory, directory) : [];

    /// <summary>The generated corpus, then the real-world one when there is one.</summary>
    public static IReadOnlyList<CorpusMessage> All() => [.. Generated(), .. RealWorld()];

    /// <summary>The checkout's root: the nearest folder above the test binary holding Ingest.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ingest.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Ingest.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<CorpusMessage> Read(string directory, string source) =>
        Directory.GetFiles(directory, "*.eml").Order(StringComparer.Ordinal)
            .Select(path => new CorpusMessage(Path.GetFileName(path), File.ReadAllBytes(path)) { Source = source })
            .ToList();
}
