using System.IO.Hashing;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Ingest.Benchmarks;

/// <summary>
/// The Kafka record's closing hash over a message arriving in 64 KB pieces, the way the sink feeds
/// it: SHA-256 (record format 1) against XXH3-128 (format 2, issue 12). The sink hashes every byte
/// it produces, so this is the hash's whole cost per message.
/// </summary>
[MemoryDiagnoser]
public class RecordHashBenchmark
{
    private byte[][] _pieces = [];

    [Params(1024, 102_400)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup() => _pieces = BenchmarkInputs.Message(Size, dotLines: false).Chunk(64 * 1024).ToArray();

    [Benchmark(Baseline = true)]
    public int Sha256()
    {
        Span<byte> hash = stackalloc byte[32];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var piece in _pieces)
        {
            sha.AppendData(piece);
        }

        return sha.GetHashAndReset(hash);
    }

    [Benchmark]
    public int XxHash3_128()
    {
        Span<byte> hash = stackalloc byte[16];
        var xx = new XxHash128();
        foreach (var piece in _pieces)
        {
            xx.Append(piece);
        }

        return xx.GetHashAndReset(hash);
    }
}
