namespace Ingest.Testing;

/// <summary>
/// A program from outside .NET that some tests need (README, "Tests that need tools"). Missing, such
/// a test is skipped with the reason and the install command, unless INGEST_REQUIRE_TOOLS=1 (set by
/// .ci/run): then it runs, and fails saying what to install, so CI can never skip it.
/// </summary>
public sealed class RequiredTool
{
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/bin"];

    private readonly Lazy<string?> _path;

    private RequiredTool(string name, string install, Func<string?> locate)
    {
        Name = name;
        Install = install;
        _path = new Lazy<string?>(locate);
    }

    /// <summary>Dovecot with its IMAP and POP3 servers (Debian: dovecot-core comes with either package).</summary>
    public static RequiredTool Dovecot { get; } = new(
        "dovecot",
        "apt-get install dovecot-imapd dovecot-pop3d",
        () => Find("dovecot") is { } binary && HasDovecotService("imap") && HasDovecotService("pop3") ? binary : null);

    public string Name { get; }

    public string Install { get; }

    /// <summary>The executable, or null when the tool (or a part it needs) is not installed.</summary>
    public string? Path => _path.Value;

    /// <summary>The executable; fails the test, naming the install command, when it is missing.</summary>
    public string Require() => Path ?? throw new InvalidOperationException($"{Name} is not installed: {Install} (.ci/run installs it).");

    /// <summary>Why a test needing the tool is skipped here, or null when it must run.</summary>
    public string? SkipReason() =>
        Path is not null || Environment.GetEnvironmentVariable("INGEST_REQUIRE_TOOLS") == "1"
            ? null
            : $"needs {Name}, which is not installed: {Install}";

    private static string? Find(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SystemDirectories)
            .Select(directory => System.IO.Path.Combine(directory, executable))
            .FirstOrDefault(File.Exists);

    // dovecot-core alone has the master but no imap or pop3 server: those come with dovecot-imapd and dovecot-pop3d.
    private static bool HasDovecotService(string service) =>
        new[] { "/usr/lib/dovecot", "/usr/libexec/dovecot", "/usr/local/libexec/dovecot" }.Any(directory => File.Exists(System.IO.Path.Combine(directory, service)));
}
