using System.Text;
using CsCheck;
using Ingest.Protocol;

namespace Ingest.Session.Tests;

/// <summary>
/// Any body survives DATA and BDAT byte for byte (issue 5), whatever its octets and however they
/// are cut into reads. Each case is one session: envelope, the body, then NOOP and QUIT, so a
/// terminator found in the wrong place shows up as a wrong reply after it.
/// </summary>
public sealed class SessionBodyPropertyTests
{
    private const string Envelope = "EHLO c.example\r\nMAIL FROM:<s@y.example>\r\nRCPT TO:<r@x.example>\r\n";
    private const string StartMailInput = "354 Start mail input; end with <CRLF>.<CRLF>";
    private const int CasesPerProperty = 200;

    [Fact]
    public async Task AnyCrlfBodySurvivesDataByteForByte()
    {
        // Clean bodies are stored as they are under either bare line ending policy.
        await CheckAsync(BodyGen.CrlfBody, Gen.OneOf(BareLineEndingPolicy.Reject, BareLineEndingPolicy.Normalize), IsCrlfBody, async c =>
        {
            var record = await RunDataAsync(c);
            var message = Assert.Single(record.Delivered);
            AssertRepliesAfterRecipient(record, StartMailInput, $"250 2.0.0 OK: queued as {message.Envelope.MessageId}");
            AssertOctets(c.Body, SessionRecord.BodyOf(message));
            Assert.Equal(0, record.Aborted);
        });
    }

    [Fact]
    public async Task AnyBodyWithABareCrOrLfIsRefusedWholeByDataUnderTheDefaultPolicy()
    {
        // RFC 5321 2.3.8. The refusal comes after the terminator, and nothing reaches delivery.
        await CheckAsync(BodyGen.BareBody, Gen.Const(BareLineEndingPolicy.Reject), IsBareBody, async c =>
        {
            var record = await RunDataAsync(c);
            AssertRepliesAfterRecipient(record, StartMailInput, "550 5.6.0 Message contains bare CR or LF; lines must end with CRLF");
            Assert.Empty(record.Delivered);
            Assert.Equal(1, record.Aborted);
        });
    }

    [Fact]
    public async Task AnyBodyWithBareCrOrLfIsStoredWithCrlfInTheirPlaceUnderNormalize()
    {
        await CheckAsync(BodyGen.BareBody, Gen.Const(BareLineEndingPolicy.Normalize), IsBareBody, async c =>
        {
            var record = await RunDataAsync(c);
            var message = Assert.Single(record.Delivered);
            AssertRepliesAfterRecipient(record, StartMailInput, $"250 2.0.0 OK: queued as {message.Envelope.MessageId}");
            AssertOctets(BodyGen.NormalizeLineEndings(c.Body), SessionRecord.BodyOf(message));
            Assert.Equal(0, record.Aborted);
        });
    }

    [Fact]
    public async Task AnyBodySurvivesBdatByteForByte()
    {
        // RFC 3030 2: the body in chunks at random boundaries, the last marked LAST, or an empty
        // BDAT 0 LAST after them all. Chunks are octets as they are: no stuffing, any CR or LF.
        await CheckAsync(BodyGen.Octets, Gen.Const(BareLineEndingPolicy.Reject), _ => true, async c =>
        {
            var commands = new List<byte>();
            var expected = new List<string>();
            var chunks = Segmentation.Cut(c.Body, c.ChunkLengths);
            for (var i = 0; i < chunks.Length; i++)
            {
                var last = i == chunks.Length - 1 && !c.EndWithBdatZeroLast;
                commands.AddRange(Encoding.ASCII.GetBytes($"BDAT {chunks[i].Length}{(last ? " LAST" : "")}\r\n"));
                commands.AddRange(chunks[i]);
                if (!last)
                {
                    expected.Add($"250 2.0.0 {chunks[i].Length} octets received");
                }
            }

            if (chunks.Length == 0 || c.EndWithBdatZeroLast)
            {
                commands.AddRange("BDAT 0 LAST\r\n"u8);
            }

            var record = await RunAsync(c, [.. commands]);
            var message = Assert.Single(record.Delivered);
            AssertRepliesAfterRecipient(record, [.. expected, $"250 2.0.0 OK: queued as {message.Envelope.MessageId}"]);
            AssertOctets(c.Body, SessionRecord.BodyOf(message));
            Assert.Equal(0, record.Aborted);
        });
    }

    private static Task CheckAsync(Gen<byte[]> bodies, Gen<BareLineEndingPolicy> policies, Func<byte[], bool> isValidBody, Func<BodyCase, Task> assert)
    {
        var cases = Gen.Select(
            bodies, policies, Gen.OneOf(SessionSettings.Default.BodyChunkSize, 1), Segmentation.Any, Gen.Int[1, 3000].Array[1, 6], Gen.Bool,
            (body, policy, chunkSize, segmentation, chunks, zeroLast) => new BodyCase(body, policy, chunkSize, segmentation, chunks, zeroLast));
        return Property.CheckAsync(cases, assert, Property.Iterations(CasesPerProperty), c => c.ToString(), async (c, fails) =>
        {
            // Only bodies of the kind the property is about: a smaller body of another kind would "fail" trivially.
            var body = await Minimizer.MinimizeAsync([c.Body], async steps => isValidBody(Join(steps)) && await fails(c with { Body = Join(steps) }));
            return c with { Body = Join(body) };
        });
    }

    private static Task<SessionRecord> RunDataAsync(BodyCase c) => RunAsync(c, [.. "DATA\r\n"u8, .. BodyGen.DotStuff(c.Body)]);

    private static Task<SessionRecord> RunAsync(BodyCase c, byte[] body)
    {
        byte[] transcript = [.. Encoding.ASCII.GetBytes(Envelope), .. body, .. "NOOP\r\nQUIT\r\n"u8];
        return ScriptedSession.RunAsync(options => { options.BareLineEndings = c.Policy; options.BodyChunkSize = c.BodyChunkSize; }, transcript, c.Segmentation);
    }

    /// <summary>The replies after RCPT's must be exactly these, then NOOP's 250 and QUIT's 221, and the session over.</summary>
    private static void AssertRepliesAfterRecipient(SessionRecord record, params string[] expected)
    {
        var lines = record.ReplyLines;
        var recipient = Array.IndexOf(lines, "250 2.1.5 Recipient OK");
        Assert.True(recipient > 0, "no RCPT reply in: " + record.Replies);
        Assert.Equal([.. expected, "250 2.0.0 OK", "221 2.0.0 Bye", ""], lines[(recipient + 1)..]);
        Assert.Equal(SessionEnd.Quit, record.End);
    }

    /// <summary>Byte for byte, compared as Latin-1 text (one char per octet) so a difference prints readably.</summary>
    private static void AssertOctets(byte[] expected, byte[] actual) => Assert.Equal(Encoding.Latin1.GetString(expected), Encoding.Latin1.GetString(actual));

    private static bool IsCrlfBody(byte[] body) => (body.Length == 0 || body.AsSpan().EndsWith("\r\n"u8)) && !BodyGen.HasBareLineEnding(body);

    private static bool IsBareBody(byte[] body) => body.AsSpan().EndsWith("\r\n"u8) && BodyGen.HasBareLineEnding(body);

    private static byte[] Join(byte[][] steps) => [.. steps.SelectMany(step => step)];

    /// <param name="ChunkLengths">BDAT only: chunk lengths, repeated over the body.</param>
    private sealed record BodyCase(
        byte[] Body, BareLineEndingPolicy Policy, int BodyChunkSize, Segmentation Segmentation, int[] ChunkLengths, bool EndWithBdatZeroLast)
    {
        public override string ToString() =>
            $"body ({Body.Length} octets) {Printable.Escape(Body)}\n" +
            $"policy {Policy}, body chunk size {BodyChunkSize}; for BDAT, chunks of [{string.Join(", ", ChunkLengths)}] repeated" +
            $"{(EndWithBdatZeroLast ? ", then BDAT 0 LAST" : "")}\n{Segmentation}";
    }
}
