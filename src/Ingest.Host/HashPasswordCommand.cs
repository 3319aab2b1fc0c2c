using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ingest.Policy;
using Ingest.Session;

namespace Ingest.Host;

/// <summary>
/// <c>Ingest.Host hash-password [--iterations N]</c>: reads one password line from standard input and
/// prints its hash, for a <c>user:hash</c> line of the password file (Ingest:Auth:PasswordFile).
/// Standard input, not an argument, so the password stays out of shell history and the process
/// list: <c>printf '%s\n' "$PASSWORD" | Ingest.Host hash-password</c>.
/// </summary>
internal static class HashPasswordCommand
{
    public const string Name = "hash-password";

    /// <summary>RFC 4616 2: SASL parts are at most 255 octets, and the session accepts no longer ones.</summary>
    private const int MaxPasswordLength = 255;

    private const string Usage =
        "Usage: Ingest.Host hash-password [--iterations N] < password\n"
        + "Reads one password line from standard input and prints its hash for the password file.";

    /// <param name="args">The arguments after <see cref="Name"/>.</param>
    /// <returns>0 with the hash printed; 1 for bad arguments or no usable password.</returns>
    public static int Run(TextReader stdin, TextWriter stdout, TextWriter stderr, ReadOnlySpan<string> args)
    {
        var iterations = PasswordHash.DefaultIterations;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h")
            {
                stdout.WriteLine(Usage);
                return 0;
            }

            if (args[i] != "--iterations")
            {
                stderr.WriteLine($"hash-password: unknown argument '{args[i]}'.");
                stderr.WriteLine(Usage);
                return 1;
            }

            if (i + 1 == args.Length
                || !int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
                || iterations is < PasswordHash.MinimumIterations or > PasswordHash.MaximumIterations)
            {
                // The floor is the one the password file enforces, so every hash printed here loads.
                stderr.WriteLine($"hash-password: --iterations takes a number from {PasswordHash.MinimumIterations} to {PasswordHash.MaximumIterations}.");
                return 1;
            }
        }

        // ReadLine drops the line ending (LF or CRLF); every other character is part of the password.
        var password = stdin.ReadLine();
        if (string.IsNullOrEmpty(password) || password.Contains('\0', StringComparison.Ordinal))
        {
            // RFC 4616 2: a password is one or more octets, none of them NUL.
            stderr.WriteLine("hash-password: expected a non-empty password without NUL on standard input.");
            return 1;
        }

        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            if (bytes.Length > MaxPasswordLength)
            {
                stderr.WriteLine($"hash-password: the password is {bytes.Length} octets in UTF-8; AUTH accepts at most {MaxPasswordLength} (RFC 4616 2).");
                return 1;
            }

            stdout.WriteLine(PasswordHash.Hash(bytes, iterations));
            return 0;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
