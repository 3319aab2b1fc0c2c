using CsCheck;

namespace Ingest.Session.Tests;

/// <summary>
/// How a client's octets reach the session: the lengths in which they arrive, the lengths of the
/// memory segments they lie in (both repeated cyclically over the transcript), and whether the
/// FIN comes with the last arrival or on a read of its own.
/// </summary>
internal sealed record Segmentation(int[] Arrivals, int[] MemorySegments, bool FinWithLastPiece)
{
    public static readonly Segmentation Whole = new([int.MaxValue], [int.MaxValue], false);

    public static readonly Segmentation ByteByByte = new([1], [int.MaxValue], false);

    // Byte by byte; short pieces that split verbs, CRLFs and terminators; long ones that split
    // a body or a chunk somewhere in its middle. Memory segments: mostly one per arrival, or
    // smaller, or larger (a Pipe's 4 KiB blocks), so a buffer spans segments in every way.
    public static readonly Gen<Segmentation> Any = Gen.Select(
        Gen.Frequency(
            (1, Gen.Const(new[] { 1 })),
            (4, Gen.Int[1, 16].Array[1, 20]),
            (2, Gen.Int[1, 700].Array[1, 8])),
        Gen.Frequency(
            (2, Gen.Const(new[] { int.MaxValue })),
            (1, Gen.Int[1, 16].Array[1, 8]),
            (1, Gen.Int[1, 5000].Array[1, 4])),
        Gen.Bool,
        (arrivals, segments, fin) => new Segmentation(arrivals, segments, fin));

    /// <summary>Cuts <paramref name="octets"/> into pieces of the given lengths, repeated as often as needed.</summary>
    public static byte[][] Cut(byte[] octets, IReadOnlyList<int> lengths)
    {
        var pieces = new List<byte[]>();
        for (var offset = 0; offset < octets.Length;)
        {
            var length = (int)Math.Min(lengths[pieces.Count % lengths.Count], octets.Length - offset);
            pieces.Add(octets[offset..(offset + length)]);
            offset += length;
        }

        return [.. pieces];
    }

    public override string ToString() =>
        $"arriving in [{string.Join(", ", Arrivals)}] repeated, in memory segments of [{string.Join(", ", MemorySegments)}] repeated, " +
        $"FIN {(FinWithLastPiece ? "with the last piece" : "after it")}";
}
