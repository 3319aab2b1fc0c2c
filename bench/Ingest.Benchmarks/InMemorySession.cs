using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;
using Ingest.Delivery;
using Ingest.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Benchmarks;

/// <summary>
/// A real <see cref="SmtpSession"/> over two crossed in-memory pipes, driven through public APIs
/// only, with a client end that writes transcripts and counts replies. The pipes are reset and
/// reused between runs so a run measures the session, not pipe construction.
/// </summary>
internal sealed class InMemorySession
{
    // What one socket read might hand the transport; writes larger than this are split.
    private const int WriteSize = 64 * 1024;

    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly SmtpSessionFactory _factory;
    private readonly DuplexPipe _serverEnd;
    private readonly ConnectionInfo _connection = new(
        "bench", new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 25));

    public InMemorySession(IMessageSink sink, SmtpOptions? options = null)
    {
        options ??= new SmtpOptions { HostName = BenchmarkInputs.HostName };
        _factory = new SmtpSessionFactory(options, sink, TimeProvider.System, NullLoggerFactory.Instance);
        // A pipe keeps its reader and writer objects across Reset, so one server end serves every run.
        _serverEnd = new DuplexPipe(_toServer.Reader, _toClient.Writer);
    }

    /// <summary>
    /// Writes the whole transcript without waiting for any reply while reading replies until 221.
    /// Every reply must be positive; <paramref name="expectedReplies"/> counts the greeting too.
    /// </summary>
    public async Task RunPipelinedAsync(byte[] transcript, int expectedReplies)
    {
        var session = Start();
        var writing = WriteAsync(transcript);
        var replies = 0;
        int code;
        do
        {
            code = await ReadReplyAsync();
            replies++;
        }
        while (code != 221);

        await writing;
        await FinishAsync(session);
        if (replies != expectedReplies)
        {
            throw new InvalidOperationException($"Expected {expectedReplies} replies, got {replies}.");
        }
    }

    /// <summary>Writes one step at a time and waits for its reply before the next, as a non-pipelining client does.</summary>
    public async Task RunInteractiveAsync(byte[][] steps)
    {
        var session = Start();
        await ReadReplyAsync();
        foreach (var step in steps)
        {
            await WriteAsync(step);
            await ReadReplyAsync();
        }

        await FinishAsync(session);
    }

    private Task<SessionEnd> Start() => _factory.Create(_serverEnd, _connection).RunAsync();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAsync(byte[] bytes)
    {
        var output = _toServer.Writer;
        for (var offset = 0; offset < bytes.Length; offset += WriteSize)
        {
            var result = await output.WriteAsync(bytes.AsMemory(offset, Math.Min(WriteSize, bytes.Length - offset)));
            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The session stopped reading.");
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadReplyAsync()
    {
        var input = _toClient.Reader;
        while (true)
        {
            var result = await input.ReadAsync();
            var found = Scan(result.Buffer, out var consumed, out var code);
            input.AdvanceTo(consumed, found ? consumed : result.Buffer.End);
            if (found)
            {
                // A refusal means the canned input is wrong: fail loudly rather than time nonsense.
                return code < 400 ? code : throw new InvalidOperationException($"The session replied {code}.");
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The session ended without a reply.");
            }
        }
    }

    private static bool Scan(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out int code)
    {
        var reader = new SequenceReader<byte>(buffer);
        var found = ReplyScanner.TryReadFinal(ref reader, out code);
        consumed = reader.Position;
        return found;
    }

    private async Task FinishAsync(Task session)
    {
        await session;
        await _toServer.Writer.CompleteAsync();
        await _toClient.Reader.CompleteAsync();
        await _toServer.Reader.CompleteAsync();
        await _toClient.Writer.CompleteAsync();
        _toServer.Reset();
        _toClient.Reset();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
