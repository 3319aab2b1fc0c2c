using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ingest.Session.Tests;

/// <summary>
/// Runs one session over a <see cref="SegmentedPipeReader"/> to its end and records everything
/// observable: every reply octet, every message the sink completed or dropped, and why it ended.
/// Nothing in a run waits for anything (the reader and the sink answer at once, the reply pipe
/// never pauses), so a run is a pure function of options, transcript and segmentation.
/// </summary>
internal static class ScriptedSession
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    // One meter for every run: a standalone meter per session would pile up for the process's life.
    private static readonly SmtpMetrics Metrics = SmtpMetrics.Standalone();

    public static async Task<SessionRecord> RunAsync(
        Action<SmtpOptions> configure, byte[] transcript, Segmentation segmentation, TestSink.Behaviour sinkBehaviour = TestSink.Behaviour.Accept)
    {
        var options = new SmtpOptions { HostName = "gw.example" };
        configure(options);
        var sink = new TestSink { Mode = sinkBehaviour };
        // A clock that never moves: no timeout fires, and every Received header carries the same date.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var factory = new SmtpSessionFactory(options, sink, time, NullLoggerFactory.Instance, Metrics, recipients: SessionHarness.RecipientPolicyOf(options));
        var input = new SegmentedPipeReader(transcript, segmentation);
        // No pause threshold: replies are read only after the session ends.
        var replies = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var connection = new ConnectionInfo("property", new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000), new IPEndPoint(IPAddress.Loopback, 25));
        var session = factory.Create(new DuplexPipe(input, replies.Writer), connection);

        // On the thread pool with a bound, so a session that spins or waits forever fails the case instead of hanging the run.
        var end = await Task.Run(() => session.RunAsync()).WaitAsync(Bound);
        await replies.Writer.CompleteAsync();
        var read = await replies.Reader.ReadAsync();
        var text = Encoding.Latin1.GetString(read.Buffer);
        replies.Reader.AdvanceTo(read.Buffer.End);
        return new SessionRecord(text, [.. sink.Delivered], sink.Aborted.Count, end);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
