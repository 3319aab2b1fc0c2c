using System.Security.Cryptography;

namespace Ingest.Kafka.Records;

/// <summary>The SHA-256 of a message's value, as lower-case hex in <see cref="RecordHeaders.Sha256"/>.</summary>
public static class RecordHash
{
    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    public static string Of(ReadOnlySpan<byte> value) => Hex(SHA256.HashData(value));

    internal static bool Matches(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> expectedHex)
    {
        Span<char> hex = stackalloc char[64];
        if (expectedHex.Length != hex.Length || !Convert.TryToHexStringLower(hash, hex, out _))
        {
            return false;
        }

        // Case-insensitive: the format says lower case, but upper case is not worth losing mail over.
        return System.Text.Ascii.EqualsIgnoreCase(expectedHex, hex);
    }
}
