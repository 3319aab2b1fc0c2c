using System.Buffers.Binary;

namespace Ingest.Testing;

/// <summary>
/// Reproducible pseudo-random octets (xorshift64*), the same on every machine and .NET version,
/// unlike System.Random, whose sequence is not promised to stay the same.
/// </summary>
internal static class DeterministicBytes
{
    public static byte[] Make(int length, ulong seed)
    {
        var state = seed | 1;
        var bytes = new byte[length];
        Span<byte> word = stackalloc byte[8];
        for (var offset = 0; offset < length; offset += 8)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            BinaryPrimitives.WriteUInt64LittleEndian(word, state * 0x2545F4914F6CDD1DUL);
            word[..Math.Min(8, length - offset)].CopyTo(bytes.AsSpan(offset));
        }

        return bytes;
    }
}
