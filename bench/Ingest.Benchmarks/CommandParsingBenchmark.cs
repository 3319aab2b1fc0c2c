using System.Buffers;
using BenchmarkDotNet.Attributes;
using Ingest.Protocol;

namespace Ingest.Benchmarks;

/// <summary>
/// Framing (CommandFramer) plus parsing (CommandParser) of one command line per verb, as the
/// session does for every line. Target: zero bytes allocated. With <see cref="SplitAcrossSegments"/>
/// the line arrives in two pipe segments and has to be flattened into scratch space first.
/// </summary>
[MemoryDiagnoser]
public class CommandParsingBenchmark
{
    private const int MaxLineLength = 512;

    private readonly byte[] _scratch = new byte[MaxLineLength];
    private ReadOnlySequence<byte> _ehlo;
    private ReadOnlySequence<byte> _mail;
    private ReadOnlySequence<byte> _rcpt;
    private ReadOnlySequence<byte> _data;
    private ReadOnlySequence<byte> _noop;
    private ReadOnlySequence<byte> _bdat;

    [Params(false, true)]
    public bool SplitAcrossSegments { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ehlo = Input(BenchmarkInputs.Ehlo);
        _mail = Input(BenchmarkInputs.MailWithParameters);
        _rcpt = Input(BenchmarkInputs.Rcpt);
        _data = Input(BenchmarkInputs.Data);
        _noop = Input(BenchmarkInputs.Noop);
        _bdat = Input(BenchmarkInputs.BdatLast);
    }

    [Benchmark]
    public int Ehlo() => FrameAndParse(_ehlo);

    [Benchmark]
    public int MailFromWithSizeAndBody() => FrameAndParse(_mail);

    [Benchmark]
    public int RcptTo() => FrameAndParse(_rcpt);

    [Benchmark]
    public int Data() => FrameAndParse(_data);

    [Benchmark]
    public int Noop() => FrameAndParse(_noop);

    [Benchmark]
    public int BdatLast() => FrameAndParse(_bdat);

    private ReadOnlySequence<byte> Input(byte[] line) =>
        BufferSegment.Split(line, SplitAcrossSegments ? line.Length / 2 : 0);

    private int FrameAndParse(in ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        if (CommandFramer.TryReadLine(ref reader, MaxLineLength, out var line) != FrameStatus.Complete)
        {
            throw new InvalidOperationException("Canned line did not frame.");
        }

        var command = CommandParser.Parse(CommandFramer.Flatten(line, _scratch));
        if (!command.IsValid)
        {
            throw new InvalidOperationException($"Canned line rejected: {command.Rejection}.");
        }

        // Consume what the session would read, so nothing is optimised away.
        return (int)command.Verb + command.Argument.Length + (int)command.ChunkSize;
    }
}
