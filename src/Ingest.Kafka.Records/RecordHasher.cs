using System.IO.Hashing;
using System.Security.Cryptography;

namespace Ingest.Kafka.Records;

/// <summary>A message's hash, computed over its chunks as they arrive, in the algorithm its version uses.</summary>
internal sealed class RecordHasher(RecordHashAlgorithm algorithm) : IDisposable
{
    private readonly XxHash128? _xxHash = algorithm == RecordHashAlgorithm.XxHash128 ? new XxHash128() : null;
    private readonly IncrementalHash? _sha256 = algorithm == RecordHashAlgorithm.Sha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

    public RecordHashAlgorithm Algorithm => algorithm;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        _xxHash?.Append(bytes);
        _sha256?.AppendData(bytes);
    }

    public bool Matches(ReadOnlySpan<byte> expectedHex)
    {
        Span<byte> hash = stackalloc byte[32];
        var length = _xxHash is not null ? _xxHash.GetHashAndReset(hash) : _sha256!.GetHashAndReset(hash);
        return RecordHash.Matches(hash[..length], expectedHex);
    }

    /// <summary>One value, hashed whole.</summary>
    public static bool Matches(RecordHashAlgorithm algorithm, ReadOnlySpan<byte> value, ReadOnlySpan<byte> expectedHex)
    {
        Span<byte> hash = stackalloc byte[32];
        var length = algorithm == RecordHashAlgorithm.XxHash128
            ? XxHash128.Hash(value, hash)
            : SHA256.HashData(value, hash);
        return RecordHash.Matches(hash[..length], expectedHex);
    }

    public void Dispose() => _sha256?.Dispose();
}
