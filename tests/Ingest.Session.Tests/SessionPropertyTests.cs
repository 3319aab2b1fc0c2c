using System.Text.RegularExpressions;
using CsCheck;

namespace Ingest.Session.Tests;

/// <summary>
/// Hostile input, as properties (issue 5): random transcripts of valid and invalid commands, each
/// run once arriving whole and once arriving in random pieces laid in random memory segments. A
/// failure prints CsCheck's counterexample and seed, then the same case minimized.
/// CsCheck_Seed=... replays a seed; CsCheck_Iter=100000 searches further.
/// </summary>
public sealed partial class SessionPropertyTests
{
    [Fact]
    public async Task AnyCommandSequenceAndAnySegmentationOfItGiveTheSameReplies()
    {
        var cases = Gen.Select(SessionSettings.Any, TranscriptGen.Transcript, Segmentation.Any,
            (settings, steps, segmentation) => new TranscriptCase(settings, steps, segmentation));
        await Property.CheckAsync(cases, SameOutcomeWholeAndCutAsync, Property.Iterations(400), c => c.ToString(), MinimizeAsync);
    }

    private static async Task SameOutcomeWholeAndCutAsync(TranscriptCase c)
    {
        var transcript = c.Transcript;
        var whole = await ScriptedSession.RunAsync(c.Settings.Apply, transcript, Segmentation.Whole, c.Settings.Sink);
        var cut = await ScriptedSession.RunAsync(c.Settings.Apply, transcript, c.Segmentation, c.Settings.Sink);

        var (wholeReplies, wholeMessages) = whole.WithoutMessageIds();
        var (cutReplies, cutMessages) = cut.WithoutMessageIds();
        Assert.Equal(wholeReplies, cutReplies);
        Assert.Equal(wholeMessages, cutMessages);
        Assert.Equal(whole.Aborted, cut.Aborted);
        Assert.Equal(whole.End, cut.End);

        // Whatever came in, what goes out is whole reply lines of our own printable text
        // (STYLE rule 6: client octets are never echoed).
        Assert.Equal("", wholeReplies[^1]);
        Assert.All(wholeReplies[..^1], line => Assert.Matches(ReplyLine(), line));
    }

    private static async Task<TranscriptCase> MinimizeAsync(TranscriptCase c, Func<TranscriptCase, Task<bool>> fails)
    {
        // The simplest cut (one octet per read) and default options where the failure allows them.
        var simpler = new Func<TranscriptCase, TranscriptCase>[]
        {
            x => x with { Segmentation = Segmentation.ByteByByte },
            x => x with { Settings = x.Settings with { RestrictDomains = false } },
            x => x with { Settings = x.Settings with { MaxBadCommands = SessionSettings.Default.MaxBadCommands } },
            x => x with { Settings = x.Settings with { MaxMessageSize = SessionSettings.Default.MaxMessageSize } },
            x => x with { Settings = x.Settings with { BareLineEndings = SessionSettings.Default.BareLineEndings } },
            x => x with { Settings = x.Settings with { BodyChunkSize = SessionSettings.Default.BodyChunkSize } },
            x => x with { Settings = x.Settings with { Sink = SessionSettings.Default.Sink } },
        };
        foreach (var simplify in simpler)
        {
            var candidate = simplify(c);
            c = await fails(candidate) ? candidate : c;
        }

        var found = c;
        return c with { Steps = await Minimizer.MinimizeAsync(c.Steps, steps => fails(found with { Steps = steps })) };
    }

    [GeneratedRegex(@"^[2-5][0-9][0-9][ -][\x20-\x7E]*$")]
    private static partial Regex ReplyLine();

    private sealed record TranscriptCase(SessionSettings Settings, byte[][] Steps, Segmentation Segmentation)
    {
        public byte[] Transcript => [.. Steps.SelectMany(step => step)];

        public override string ToString() =>
            $"{Settings}\n{string.Join("\n", Steps.Where(step => step.Length > 0).Select(step => "  " + Printable.Escape(step)))}\n{Segmentation}";
    }
}
