using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Ingest.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Ingest.Policy;

namespace Ingest.Session.Tests;

/// <summary>
/// A session over two crossed in-memory pipes, with a fake clock and a recording sink. The client
/// side writes raw bytes and reads whole replies.
/// </summary>
internal sealed class SessionHarness : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048, minimumSegmentSize: 512, useSynchronizationContext: false));
    private readonly Pipe _toClient = new(new PipeOptions(useSynchronizationContext: false));
    private readonly CancellationTokenSource _closeRequested = new();

    /// <param name="connected">Adjusts what the transport tells the session (TLS, STARTTLS, the TLS policy).</param>
    /// <param name="authenticator">Turns AUTH on.</param>
    public SessionHarness(
        Action<SmtpOptions>? configure = null,
        TestSink? sink = null,
        SmtpMetrics? metrics = null,
        IReverseDns? reverseDns = null,
        Func<ConnectionInfo, ConnectionInfo>? connected = null,
        IAuthenticator? authenticator = null,
        AuthOptions? authOptions = null,
        ISenderVerifier? senderVerifier = null,
        IRecipientPolicy? recipients = null)
    {
        Options = new SmtpOptions { HostName = "gw.example" };
        configure?.Invoke(Options);
        Sink = sink ?? new TestSink();
        var factory = Factory = new SmtpSessionFactory(Options, Sink, Time, NullLoggerFactory.Instance, metrics, reverseDns, authenticator, authOptions, recipients ?? RecipientPolicyOf(Options), senderVerifier);
        var connection = new ConnectionInfo("test", new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000), new IPEndPoint(IPAddress.Loopback, 25));
        connection = connected?.Invoke(connection) ?? connection;
        var transport = new DuplexPipe(_toServer.Reader, _toClient.Writer);
        if (connection.StartTls is FakeStartTls fake)
        {
            fake.Transport = transport;
        }

        var session = factory.Create(transport, connection);
        Completion = Task.Run(async () =>
        {
            try
            {
                End = await session.RunAsync(_closeRequested.Token);
            }
            finally
            {
                // What Kestrel does when a connection handler returns: close both directions.
                await _toClient.Writer.CompleteAsync();
                await _toServer.Reader.CompleteAsync();
            }
        });
    }

    public SmtpOptions Options { get; }

    /// <summary>The factory the session came from, for what later sessions would get.</summary>
    public SmtpSessionFactory Factory { get; }

    public TestSink Sink { get; }

    public ObservedTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public Task Completion { get; }

    /// <summary>Why the session ended, once <see cref="Completion"/> is done.</summary>
    public SessionEnd? End { get; private set; }

    public void RequestClose() => _closeRequested.Cancel();

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes, int segmentSize = int.MaxValue)
    {
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var length = Math.Min(segmentSize, bytes.Length - offset);
            await _toServer.Writer.WriteAsync(bytes.AsMemory(offset, length)).AsTask().WaitAsync(Bound);
        }
    }

    /// <summary>The client closes its sending side (a TCP FIN).</summary>
    public Task FinishSendingAsync() => _toServer.Writer.CompleteAsync().AsTask();

    /// <summary>Reads one complete reply, multi-line replies joined with "\n".</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            if (line is null)
            {
                throw new InvalidOperationException("connection closed; replies so far: " + string.Join(" | ", lines));
            }

            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ')
            {
                return string.Join("\n", lines);
            }
        }
    }

    public async Task<string[]> ReadRepliesAsync(int count)
    {
        var replies = new string[count];
        for (var i = 0; i < count; i++)
        {
            replies[i] = await ReadReplyAsync();
        }

        return replies;
    }

    /// <summary>Reads until the server closes; returns whatever replies came.</summary>
    public async Task<List<string>> ReadToEndAsync()
    {
        var replies = new List<string>();
        while (await ReadLineAsync() is { } line)
        {
            replies.Add(line);
        }

        return replies;
    }

    public async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync().AsTask().WaitAsync(Bound);
            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } position)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, position));
                _toClient.Reader.AdvanceTo(buffer.GetPosition(1, position));
                Assert.EndsWith("\r", line);
                return line.TrimEnd('\r');
            }

            _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>All reply bytes currently buffered, without waiting.</summary>
    public string TakeBufferedReplies()
    {
        if (!_toClient.Reader.TryRead(out var result))
        {
            return "";
        }

        var text = Encoding.UTF8.GetString(result.Buffer);
        _toClient.Reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    public async Task<string> ReadGreetingAsync()
    {
        var greeting = await ReadReplyAsync();
        Assert.StartsWith("220 ", greeting);
        return greeting;
    }

    public Task WaitForEndAsync() => Completion.WaitAsync(Bound);

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        try
        {
            await Completion.WaitAsync(Bound);
        }
        finally
        {
            await _toClient.Reader.CompleteAsync();
            _closeRequested.Dispose();
        }
    }

    /// <summary>The accepted domains as the host builds them from the same setting.</summary>
    internal static IRecipientPolicy? RecipientPolicyOf(SmtpOptions options) =>
        options.AcceptedDomains.Count == 0 ? null : new AcceptedDomains(options.AcceptedDomains);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

internal static class ReplyAssert
{
    public static void Code(string expected, string reply) =>
        Assert.True(reply.StartsWith(expected, StringComparison.Ordinal), $"expected {expected}, got: {reply}");
}
