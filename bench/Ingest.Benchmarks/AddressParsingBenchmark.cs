using BenchmarkDotNet.Attributes;
using Ingest.Protocol;

namespace Ingest.Benchmarks;

/// <summary>
/// PathParser on the reverse-path shapes seen in practice: a plain dot-atom address, a quoted
/// local part with escapes, an IPv6 address literal and an RFC 6531 UTF-8 address.
/// Target: zero bytes allocated (the mailbox comes back as a range, not a string).
/// </summary>
[MemoryDiagnoser]
public class AddressParsingBenchmark
{
    [Benchmark(Baseline = true)]
    public int Typical() => Parse(BenchmarkInputs.TypicalPath);

    [Benchmark]
    public int QuotedLocalPart() => Parse(BenchmarkInputs.QuotedPath);

    [Benchmark]
    public int Ipv6Literal() => Parse(BenchmarkInputs.Ipv6LiteralPath);

    [Benchmark]
    public int Utf8Mailbox() => Parse(BenchmarkInputs.Utf8Path);

    private static int Parse(byte[] path)
    {
        var status = PathParser.Parse(path, allowNull: true, allowBarePostmaster: false, out var consumed, out var mailbox, out var nonAscii);
        if (status != PathStatus.Ok)
        {
            throw new InvalidOperationException($"Canned path rejected: {status}.");
        }

        return consumed + mailbox.End.Value + (nonAscii ? 1 : 0);
    }
}
