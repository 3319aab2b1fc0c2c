using BenchmarkDotNet.Attributes;
using Ingest.Delivery;

namespace Ingest.Benchmarks;

/// <summary>
/// BDAT chunk framing and copying through a real session (RFC 3030), pipelined, into the
/// DiscardSink, reported per 64 KB message. The baseline sends the same message by DATA, so the
/// ratio shows what skipping the dot-stuffing scan buys and what small chunks cost.
/// </summary>
[MemoryDiagnoser]
public class BdatBenchmark
{
    private const int MessagesPerSession = 20;
    private const int MessageSize = 64 * 1024;

    private readonly InMemorySession _session = new(new DiscardSink());
    private byte[] _dataTranscript = [];
    private int _dataReplies;
    private byte[] _bdatTranscript = [];
    private int _bdatReplies;

    [Params(1, 8, 64)]
    public int ChunkKb { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var message = BenchmarkInputs.Message(MessageSize, dotLines: true);
        var data = BenchmarkInputs.Session(BenchmarkInputs.DataMessageSteps(message), MessagesPerSession);
        var bdat = BenchmarkInputs.Session(BenchmarkInputs.BdatMessageSteps(message, ChunkKb * 1024), MessagesPerSession);
        (_dataTranscript, _dataReplies) = (BenchmarkInputs.Concatenate(data), 1 + data.Length);
        (_bdatTranscript, _bdatReplies) = (BenchmarkInputs.Concatenate(bdat), 1 + bdat.Length);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerSession)]
    public Task Data() => _session.RunPipelinedAsync(_dataTranscript, _dataReplies);

    [Benchmark(OperationsPerInvoke = MessagesPerSession)]
    public Task Bdat() => _session.RunPipelinedAsync(_bdatTranscript, _bdatReplies);
}
