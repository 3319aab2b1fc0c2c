namespace Ingest.Testing;

/// <summary>
/// A program from outside .NET that some tests need (haproxy, swaks, the kfake Kafka broker,
/// dovecot, ...). Where it is missing, a test marked <see cref="ToolFactAttribute"/> is skipped
/// with <see cref="MissingReason"/>, which names the install command; with
/// INGEST_REQUIRE_TOOLS=1 (set by .ci/run) it runs anyway and <see cref="Require"/> fails it.
/// </summary>
public sealed class ExternalTool
{
    /// <summary>Set to 1 by CI: a missing tool fails its tests instead of skipping them.</summary>
    public const string RequireVariable = "INGEST_REQUIRE_TOOLS";

    // Debian keeps daemons in sbin, which is not on an ordinary user's PATH.
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/usr/local/sbin", "/sbin"];

    public static readonly ExternalTool Haproxy = new("haproxy", "apt-get install haproxy", directories: SystemDirectories);

    public static readonly ExternalTool Swaks = new("swaks", "apt-get install swaks");

    /// <summary>Dovecot with its IMAP and POP3 servers: dovecot-core alone has the master but neither server.</summary>
    public static readonly ExternalTool Dovecot = new(
        "dovecot",
        "apt-get install dovecot-imapd dovecot-pop3d",
        directories: SystemDirectories,
        complete: () => HasDovecotService("imap") && HasDovecotService("pop3"));

    /// <summary>
    /// franz-go's kfake, the independent Kafka-protocol broker. Not a Debian package: the
    /// kafka-broker kit beside the repository builds it (../shared/kafka-broker/build.sh, into
    /// /opt/kfake by default; .ci/run does this), or INGEST_KFAKE names a binary.
    /// </summary>
    public static readonly ExternalTool Kfake = new(
        "kfake",
        "build it with ../shared/kafka-broker/build.sh (prints its path), or set INGEST_KFAKE to a kfake binary",
        variable: "INGEST_KFAKE",
        directories: ["/opt/kfake", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ingest", "kfake")]);

    private static readonly ExternalTool[] Known = [Haproxy, Swaks, Dovecot, Kfake];

    private readonly string[] _directories;
    private readonly Func<bool> _complete;

    private ExternalTool(string name, string install, string? variable = null, string[]? directories = null, Func<bool>? complete = null)
    {
        Name = name;
        Install = install;
        Variable = variable;
        _directories = directories ?? [];
        _complete = complete ?? (() => true);
    }

    public string Name { get; }

    /// <summary>How to get it, e.g. "apt-get install haproxy".</summary>
    public string Install { get; }

    /// <summary>An environment variable that names the binary, when the tool has one.</summary>
    public string? Variable { get; }

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    /// <summary>The tool of that name; unknown names are a mistake in the test, so they throw.</summary>
    public static ExternalTool Named(string name) =>
        Known.FirstOrDefault(tool => tool.Name == name)
        ?? throw new ArgumentException($"no external tool named {name}: add it to {nameof(ExternalTool)}", nameof(name));

    /// <summary>Where it is looked for, in order, for the skip message.</summary>
    public string SearchedPlaces =>
        string.Join(", ", (Variable is null ? [] : new[] { "$" + Variable }).Concat(["PATH"]).Concat(_directories));

    public string MissingReason => $"{Name} not found ({SearchedPlaces}): {Install}";

    /// <summary>The executable's full path, or null when it (or a part of the tool it needs) is not there.</summary>
    public string? Find() => _complete() ? Executable() : null;

    private string? Executable()
    {
        if (Variable is not null && Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named)
        {
            // Named explicitly: that file or nothing, so a wrong setting is not papered over.
            return IsExecutable(named) ? Path.GetFullPath(named) : null;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(_directories).Select(directory => Path.Combine(directory, Name)).FirstOrDefault(IsExecutable);
    }

    /// <summary>The executable's full path; throws with the install command when it is missing.</summary>
    public string Require() => Find() ?? throw new InvalidOperationException(
        MissingReason + (Required ? $" ({RequireVariable} is set, so a missing tool is a failure)" : ""));

    private static bool HasDovecotService(string service) =>
        new[] { "/usr/lib/dovecot", "/usr/libexec/dovecot", "/usr/local/libexec/dovecot" }.Any(directory => IsExecutable(Path.Combine(directory, service)));

    private static bool IsExecutable(string path)
    {
        // A regular file with an execute bit: a directory, a device or a plain file does not count.
        var info = new FileInfo(path);
        return info.Exists
            && (info.Attributes & (FileAttributes.Directory | FileAttributes.Device)) == 0
            && (OperatingSystem.IsWindows() || (info.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
    }
}
