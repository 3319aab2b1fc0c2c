using BenchmarkDotNet.Attributes;
using Ingest.Delivery;

namespace Ingest.Benchmarks;

/// <summary>
/// A whole SMTP session over in-memory pipes into the DiscardSink: greeting, EHLO, then
/// <see cref="MessagesPerSession"/> messages by DATA, then QUIT. Reported per message. Pipelined
/// writes the whole transcript at once (more than RFC 2920 lets a client do, which isolates the
/// session's own cost); not pipelined waits for each reply before the next command. Target: the
/// bytes allocated per message do not grow with the message size.
/// </summary>
[MemoryDiagnoser]
public class SessionTranscriptBenchmark
{
    private const int MessagesPerSession = 50;

    private readonly InMemorySession _session = new(new DiscardSink());
    private byte[][] _steps = [];
    private byte[] _transcript = [];

    [Params(1, 10, 100)]
    public int MessageKb { get; set; }

    [Params(true, false)]
    public bool Pipelined { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var message = BenchmarkInputs.Message(MessageKb * 1024, dotLines: true);
        _steps = BenchmarkInputs.Session(BenchmarkInputs.DataMessageSteps(message), MessagesPerSession);
        _transcript = BenchmarkInputs.Concatenate(_steps);
    }

    [Benchmark(OperationsPerInvoke = MessagesPerSession)]
    public Task Session() => Pipelined
        ? _session.RunPipelinedAsync(_transcript, expectedReplies: 1 + _steps.Length)
        : _session.RunInteractiveAsync(_steps);
}
