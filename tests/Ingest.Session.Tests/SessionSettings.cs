using CsCheck;
using Ingest.Protocol;

namespace Ingest.Session.Tests;

/// <summary>The options a property varies: each one changes which replies a transcript earns.</summary>
internal sealed record SessionSettings(
    bool RestrictDomains, int MaxBadCommands, long MaxMessageSize, BareLineEndingPolicy BareLineEndings, int BodyChunkSize, TestSink.Behaviour Sink)
{
    public static readonly SessionSettings Default = new(false, 20, 64L * 1024 * 1024, BareLineEndingPolicy.Reject, 64 * 1024, TestSink.Behaviour.Accept);

    public static readonly Gen<SessionSettings> Any = Gen.Select(
        Gen.Bool,
        // Mostly a limit long transcripts stay under; now and then one low enough for the 421 mid-transcript.
        Gen.Frequency((2, Gen.Const(Default.MaxBadCommands)), (2, Gen.Const(1000)), (1, Gen.Int[0, 4])),
        // A small limit refuses SIZE= at MAIL and larger bodies after their data.
        Gen.Frequency((3, Gen.Const(Default.MaxMessageSize)), (1, Gen.Const(300L))),
        Gen.OneOf(BareLineEndingPolicy.Reject, BareLineEndingPolicy.Normalize),
        // 1: the smallest body buffer the session will rent (about 2 KiB), so bodies cross it.
        Gen.OneOf(Default.BodyChunkSize, 1),
        // Sinks that fail at each point (not the one that stalls: nothing here would release it).
        Gen.Frequency(
            (6, Gen.Const(TestSink.Behaviour.Accept)),
            (1, Gen.OneOf(
                TestSink.Behaviour.FailOnBegin, TestSink.Behaviour.FailOnWrite, TestSink.Behaviour.FailOnComplete,
                TestSink.Behaviour.FailPermanentlyOnComplete, TestSink.Behaviour.ThrowOnComplete))),
        (restrict, errors, size, bare, chunk, sink) => new SessionSettings(restrict, errors, size, bare, chunk, sink));

    public void Apply(SmtpOptions options)
    {
        options.AcceptedDomains = RestrictDomains ? ["x.example"] : [];
        options.MaxBadCommands = MaxBadCommands;
        options.MaxMessageSize = MaxMessageSize;
        options.BareLineEndings = BareLineEndings;
        options.BodyChunkSize = BodyChunkSize;
    }
}
