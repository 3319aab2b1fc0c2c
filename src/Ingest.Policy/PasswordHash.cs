using System.Globalization;
using System.Security.Cryptography;

namespace Ingest.Policy;

/// <summary>
/// Salted, deliberately slow password hashes: PBKDF2 (RFC 8018 5.2) with HMAC-SHA-256, stored as
/// <c>$pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c> (standard base64 with
/// padding, RFC 4648 4). The text names its scheme and cost, so the cost can be raised later and old
/// and new hashes live side by side in one file. Passwords are the exact bytes the client sent
/// (UTF-8 in SASL PLAIN, RFC 4616 2); no SASLprep (RFC 4013) is applied, so an operator hashes the
/// password exactly as users will type it.
/// </summary>
public static class PasswordHash
{
    public const string Scheme = "pbkdf2-sha256";

    /// <summary>
    /// OWASP Password Storage Cheat Sheet (2023): 600,000 iterations for PBKDF2-HMAC-SHA256.
    /// https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#pbkdf2
    /// </summary>
    public const int DefaultIterations = 600_000;

    /// <summary>NIST SP 800-63B (2017) 5.1.1.2: at least 10,000 iterations. Stored hashes below it are refused.</summary>
    public const int MinimumIterations = 10_000;

    /// <summary>
    /// Well above any sensible cost (seconds of CPU per attempt); a larger number is taken for a typo
    /// that would turn every AUTH into a denial of service on the gateway's own CPU.
    /// </summary>
    public const int MaximumIterations = 10_000_000;

    /// <summary>128 bits, NIST SP 800-132 5.1's minimum, fresh from the system CSPRNG for every hash.</summary>
    public const int SaltSize = 16;

    /// <summary>
    /// One SHA-256 output. Asking PBKDF2 for more than one block would double the defender's work but
    /// not an attacker's, who needs only the first block to test a guess.
    /// </summary>
    public const int HashSize = 32;

    /// <summary>Hashes <paramref name="password"/> with a new random salt.</summary>
    /// <param name="iterations">
    /// 1 to <see cref="MaximumIterations"/>; anything below <see cref="MinimumIterations"/> makes a
    /// hash that <see cref="TryParse(string, out ParsedHash)"/> refuses (such hashes are for tests).
    /// </param>
    public static string Hash(ReadOnlySpan<byte> password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaximumIterations);
        Span<byte> salt = stackalloc byte[SaltSize];
        Span<byte> derived = stackalloc byte[HashSize];
        RandomNumberGenerator.Fill(salt);
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(password, salt, derived, iterations, HashAlgorithmName.SHA256);
            return string.Create(CultureInfo.InvariantCulture, $"${Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(derived)}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    public static bool TryParse(string text, out ParsedHash hash) => TryParse(text, MinimumIterations, out hash, out _);

    public static bool TryParse(string text, out ParsedHash hash, out PasswordHashError error) =>
        TryParse(text, MinimumIterations, out hash, out error);

    /// <param name="minimumIterations">Lower than <see cref="MinimumIterations"/> only in tests, to keep them fast.</param>
    internal static bool TryParse(ReadOnlySpan<char> text, int minimumIterations, out ParsedHash hash, out PasswordHashError error)
    {
        hash = default;
        error = Check(text, minimumIterations, out var iterations, out var salt, out var digest);
        if (error != PasswordHashError.None)
        {
            return false;
        }

        hash = new ParsedHash(iterations, salt!, digest!);
        return true;
    }

    /// <summary>
    /// True when <paramref name="password"/> hashes to <paramref name="hash"/>. The comparison takes
    /// the same time wherever the first differing byte is.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> password, in ParsedHash hash)
    {
        if (hash.Iterations <= 0 || hash.Hash.Length != HashSize)
        {
            return false;
        }

        Span<byte> derived = stackalloc byte[HashSize];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(password, hash.Salt, derived, hash.Iterations, HashAlgorithmName.SHA256);
            return CryptographicOperations.FixedTimeEquals(derived, hash.Hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>
    /// A hash no password matches (random salt and random digest), costing the same to check as a
    /// real one with <paramref name="iterations"/>: what unknown users are checked against.
    /// </summary>
    internal static ParsedHash Decoy(int iterations) =>
        new(iterations, RandomNumberGenerator.GetBytes(SaltSize), RandomNumberGenerator.GetBytes(HashSize));

    private static PasswordHashError Check(ReadOnlySpan<char> text, int minimumIterations, out int iterations, out byte[]? salt, out byte[]? digest)
    {
        iterations = 0;
        salt = null;
        digest = null;
        // "$s$i$salt$hash" splits into "", s, i, salt, hash; a sixth range would hold any excess.
        Span<Range> fields = stackalloc Range[6];
        var count = text.Split(fields, '$');
        if (count < 2 || text[fields[0]].Length != 0)
        {
            return PasswordHashError.Malformed;
        }

        if (!text[fields[1]].SequenceEqual(Scheme))
        {
            return PasswordHashError.UnknownScheme;
        }

        if (count != 5 || !int.TryParse(text[fields[2]], NumberStyles.None, CultureInfo.InvariantCulture, out iterations))
        {
            return PasswordHashError.Malformed;
        }

        if (iterations < minimumIterations)
        {
            return PasswordHashError.IterationsTooLow;
        }

        if (iterations > MaximumIterations)
        {
            return PasswordHashError.IterationsTooHigh;
        }

        salt = new byte[SaltSize];
        if (!TryDecodeExactly(text[fields[3]], salt))
        {
            return PasswordHashError.BadSalt;
        }

        digest = new byte[HashSize];
        return TryDecodeExactly(text[fields[4]], digest) ? PasswordHashError.None : PasswordHashError.BadHash;
    }

    // The exact padded length first: Convert also skips white space, which a stored hash never holds.
    private static bool TryDecodeExactly(ReadOnlySpan<char> encoded, Span<byte> destination) =>
        encoded.Length == (destination.Length + 2) / 3 * 4
        && Convert.TryFromBase64Chars(encoded, destination, out var written)
        && written == destination.Length;
}
