using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Ingest.Authentication.Dkim;

namespace Ingest.Benchmarks;

/// <summary>
/// The DKIM body hash (RFC 6376 3.7) over a 1 MB message arriving in 64 KB pieces, the session's
/// chunk: simple and relaxed canonicalization, against the floor of SHA-256 over the same bytes
/// uncanonicalized. Target: within 2x of the floor, and no allocation per piece.
/// </summary>
[MemoryDiagnoser]
public class BodyHashBenchmark
{
    private const int MessageSize = 1024 * 1024;
    private byte[][] _pieces = [];

    [Params(false, true)]
    public bool Relaxed { get; set; }

    [GlobalSetup]
    public void Setup() => _pieces = BenchmarkInputs.Message(MessageSize, dotLines: false).Chunk(64 * 1024).ToArray();

    [Benchmark(Baseline = true)]
    public byte[] Sha256Only()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var piece in _pieces)
        {
            hash.AppendData(piece);
        }

        return hash.GetHashAndReset();
    }

    [Benchmark]
    public byte[] Canonicalized()
    {
        using var hasher = new BodyHasher(Relaxed, HashAlgorithmName.SHA256, null);
        foreach (var piece in _pieces)
        {
            hasher.Append(piece);
        }

        return hasher.Finish();
    }
}
