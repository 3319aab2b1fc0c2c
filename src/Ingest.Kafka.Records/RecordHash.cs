using System.IO.Hashing;
using System.Security.Cryptography;

namespace Ingest.Kafka.Records;

/// <summary>
/// The hash of a message's whole value, as lower-case hex: XXH3-128 in version 2 (an integrity
/// check against truncation, reordering and mixed-up chunks between two programs that trust each
/// other, not a defence against a forger, who could rewrite the hash too; so the fast
/// non-cryptographic hash), SHA-256 in version 1.
/// </summary>
public static class RecordHash
{
    /// <summary>A hash as the format writes it: lower-case hex.</summary>
    /// <param name="hash">The hash's bytes.</param>
    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    /// <summary>The version 2 hash of <paramref name="value"/>, as the xxh128 field holds it.</summary>
    /// <param name="value">The whole value: every record's value, in sequence order.</param>
    public static string XxHash128Hex(ReadOnlySpan<byte> value) => Hex(XxHash128.Hash(value));

    /// <summary>The version 1 hash of <paramref name="value"/>, as ingest-sha256 held it.</summary>
    /// <param name="value">The whole value: every record's value, in sequence order.</param>
    public static string Sha256Hex(ReadOnlySpan<byte> value) => Hex(SHA256.HashData(value));

    internal static bool Matches(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> expectedHex)
    {
        Span<char> hex = stackalloc char[hash.Length * 2];
        if (expectedHex.Length != hex.Length || !Convert.TryToHexStringLower(hash, hex, out _))
        {
            return false;
        }

        // Case-insensitive: the format says lower case, but upper case is not worth losing mail over.
        return System.Text.Ascii.EqualsIgnoreCase(expectedHex, hex);
    }
}
