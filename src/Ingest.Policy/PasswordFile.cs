using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Ingest.Policy;

/// <summary>
/// The users who may AUTH, read from a text file of <c>user:hash</c> lines, where the hash is a
/// <see cref="PasswordHash"/> string. Blank lines and lines whose first non-blank character is
/// <c>#</c> are ignored; CRLF and a UTF-8 byte order mark are tolerated.
/// <para>
/// User names are compared as exact, case-sensitive strings: SASL identities are strings that the
/// server compares (RFC 4616 2, RFC 4422 3.4.1), and nothing in SASL folds case. They are UTF-8,
/// non-empty, without control characters and without leading or trailing white space (an invisible
/// editing slip no client would type). A name cannot contain ':', the separator, as in htpasswd.
/// </para>
/// <para>
/// Bad content is data, not an exception: every problem is reported with its line number, so
/// start-up can stop and say exactly where the file is wrong.
/// </para>
/// </summary>
public sealed class PasswordFile
{
    /// <summary>A password file is a few hundred bytes per user; anything larger is the wrong file.</summary>
    public const long MaxFileSize = 10 * 1024 * 1024;

    /// <summary>Beyond this many, further errors are summarised, not listed.</summary>
    public const int MaxErrors = 50;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, ParsedHash> _users;

    private PasswordFile(Dictionary<string, ParsedHash> users)
    {
        _users = users;
        // Unknown users are checked against a decoy as slow as the slowest real user, so a wrong
        // name never answers faster than a wrong password. (Users hashed with fewer iterations than
        // the rest remain distinguishable from unknown ones; re-hash them at one cost.)
        var iterations = 0;
        foreach (var hash in users.Values)
        {
            iterations = Math.Max(iterations, hash.Iterations);
        }

        Decoy = PasswordHash.Decoy(iterations > 0 ? iterations : PasswordHash.DefaultIterations);
    }

    public int Count => _users.Count;

    /// <summary>The hash to check a password against when the user is not in the file.</summary>
    internal ParsedHash Decoy { get; }

    public bool TryGetHash(string userName, out ParsedHash hash) => _users.TryGetValue(userName, out hash);

    public static bool TryLoad(string path, [NotNullWhen(true)] out PasswordFile? file, out IReadOnlyList<PasswordFileError> errors) =>
        TryLoad(path, PasswordHash.MinimumIterations, out file, out errors);

    public static bool TryParse(ReadOnlySpan<byte> content, [NotNullWhen(true)] out PasswordFile? file, out IReadOnlyList<PasswordFileError> errors) =>
        TryParse(content, PasswordHash.MinimumIterations, out file, out errors);

    /// <param name="minimumIterations">Lower than <see cref="PasswordHash.MinimumIterations"/> only in tests.</param>
    internal static bool TryLoad(string path, int minimumIterations, [NotNullWhen(true)] out PasswordFile? file, out IReadOnlyList<PasswordFileError> errors)
    {
        file = null;
        byte[] content;
        try
        {
            // Shared for writing and deleting: an operator's editor must never be blocked by the gateway.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (stream.Length > MaxFileSize)
            {
                errors = [new(0, PasswordFileProblem.TooLarge, $"'{path}' is larger than {MaxFileSize} bytes; is this the password file?")];
                return false;
            }

            // Read no more than the length seen: a file growing meanwhile is read again on its next change.
            content = new byte[stream.Length];
            content = content.AsSpan(0, stream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            errors = [new(0, PasswordFileProblem.Unreadable, $"'{path}' could not be read: {e.Message}")];
            return false;
        }

        return TryParse(content, minimumIterations, out file, out errors);
    }

    internal static bool TryParse(ReadOnlySpan<byte> content, int minimumIterations, [NotNullWhen(true)] out PasswordFile? file, out IReadOnlyList<PasswordFileError> errors)
    {
        file = null;
        var users = new Dictionary<string, ParsedHash>(StringComparer.Ordinal);
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var found = new List<PasswordFileError>();
        errors = found;
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        for (var number = 1; !content.IsEmpty; number++)
        {
            var end = content.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            content = end < 0 ? default : content[(end + 1)..];
            var error = ParseLine(line, number, minimumIterations, users, lineOf);
            if (error is null)
            {
                continue;
            }

            if (found.Count == MaxErrors)
            {
                found.Add(new(number, PasswordFileProblem.TooManyErrors, $"more than {MaxErrors} errors; the rest are not listed"));
                return false;
            }

            found.Add(error);
        }

        if (found.Count > 0)
        {
            return false;
        }

        file = new PasswordFile(users);
        return true;
    }

    /// <summary>Whether <paramref name="userName"/> can be stored in a password file.</summary>
    public static bool IsValidUserName(string userName)
    {
        if (userName.Length == 0 || char.IsWhiteSpace(userName[0]) || char.IsWhiteSpace(userName[^1]))
        {
            return false;
        }

        foreach (var c in userName)
        {
            if (c == ':' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static PasswordFileError? ParseLine(ReadOnlySpan<byte> line, int number, int minimumIterations, Dictionary<string, ParsedHash> users, Dictionary<string, int> lineOf)
    {
        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        var content = line.TrimStart(" \t"u8);
        if (content.IsEmpty || content[0] == (byte)'#')
        {
            return null;
        }

        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            return new(number, PasswordFileProblem.MissingSeparator, "expected user:hash, a # comment or a blank line");
        }

        string userName;
        try
        {
            userName = StrictUtf8.GetString(line[..colon]);
        }
        catch (DecoderFallbackException)
        {
            return new(number, PasswordFileProblem.BadUserName, "the user name is not UTF-8");
        }

        if (!IsValidUserName(userName))
        {
            return new(number, PasswordFileProblem.BadUserName, "the user name is empty, holds a control character, or starts or ends with white space");
        }

        var hashText = line[(colon + 1)..].Trim(" \t"u8);
        // A hash is ASCII; any other byte (and a plaintext password, which has no $scheme$) is malformed.
        Span<char> chars = stackalloc char[Math.Min(hashText.Length, 256)];
        var error = PasswordHashError.Malformed;
        var hash = default(ParsedHash);
        if (hashText.Length <= chars.Length && Ascii.ToUtf16(hashText, chars, out var written) == System.Buffers.OperationStatus.Done)
        {
            PasswordHash.TryParse(chars[..written], minimumIterations, out hash, out error);
        }

        if (error != PasswordHashError.None)
        {
            return new(number, PasswordFileProblem.BadHash, Describe(error, minimumIterations), error);
        }

        if (lineOf.TryGetValue(userName, out var first))
        {
            return new(number, PasswordFileProblem.DuplicateUser, $"user '{userName}' is already defined on line {first}");
        }

        users.Add(userName, hash);
        lineOf.Add(userName, number);
        return null;
    }

    private static string Describe(PasswordHashError error, int minimumIterations) => error switch
    {
        PasswordHashError.UnknownScheme => $"the hash is not ${PasswordHash.Scheme}$ (make one with hash-password)",
        PasswordHashError.IterationsTooLow => $"the hash has fewer than {minimumIterations} iterations",
        PasswordHashError.IterationsTooHigh => $"the hash has more than {PasswordHash.MaximumIterations} iterations",
        PasswordHashError.BadSalt => $"the hash's salt is not base64 of {PasswordHash.SaltSize} bytes",
        PasswordHashError.BadHash => $"the hash's digest is not base64 of {PasswordHash.HashSize} bytes",
        _ => $"expected ${PasswordHash.Scheme}$<iterations>$<salt>$<hash> after the colon (make one with hash-password)",
    };
}
