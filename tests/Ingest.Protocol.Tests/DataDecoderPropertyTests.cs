using System.Text;

namespace Ingest.Protocol.Tests;

/// <summary>
/// Seeded random bodies: dot-stuffed by a reference encoder (RFC 5321 4.5.2), decoded under
/// random segmentation and random output sizes, must come back byte for byte.
/// </summary>
public class DataDecoderPropertyTests
{
    private const int Iterations = 400;
    private static readonly byte[] Pipelined = "QUIT\r\n"u8.ToArray();

    [Fact]
    public void StuffedCrLfBodiesDecodeBackByteForByte()
    {
        var random = new Random(5321);
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var body = RandomBody(random, bareLineEndings: false);
            var expected = Terminated(body);
            foreach (var policy in new[] { BareLineEndingPolicy.Reject, BareLineEndingPolicy.Normalize })
            {
                var result = DecodeRandomly(Encode(body), random, policy, out var wireLength, out var where);
                Assert.True(result.Done, where);
                Assert.Equal(wireLength, result.Consumed);
                Assert.False(result.SawBareLineEnding, where);
                AssertBytes(expected, result.Output, $"{where}, iteration {iteration}");
            }
        }
    }

    [Fact]
    public void BareLineEndingsAreNormalizedOrDroppedAndNeverEndTheData()
    {
        var random = new Random(51764);
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var body = RandomBody(random, bareLineEndings: true);
            var terminated = Terminated(body);
            var hasBare = RewriteBare(terminated, null).Length != terminated.Length;

            var normalized = DecodeRandomly(Encode(body), random, BareLineEndingPolicy.Normalize, out var wireLength, out var where);
            Assert.True(normalized.Done, where);
            Assert.Equal(wireLength, normalized.Consumed);
            Assert.Equal(hasBare, normalized.SawBareLineEnding);
            AssertBytes(RewriteBare(terminated, "\r\n"u8.ToArray()), normalized.Output, $"{where}, iteration {iteration}");

            var rejected = DecodeRandomly(Encode(body), random, BareLineEndingPolicy.Reject, out wireLength, out where);
            Assert.True(rejected.Done, where);
            Assert.Equal(wireLength, rejected.Consumed);
            Assert.Equal(hasBare, rejected.SawBareLineEnding);
            AssertBytes(RewriteBare(terminated, []), rejected.Output, $"{where}, iteration {iteration}");
        }
    }

    [Fact]
    public void DecoderAgreesWithAByteAtATimeReferenceOnHostileInput()
    {
        // Not produced by an encoder: unstuffed dots, lone "." lines, CR and LF in every order.
        var random = new Random(51766);
        byte[] alphabet = "a.\r\n..\r\n\r\n"u8.ToArray();
        for (var iteration = 0; iteration < Iterations * 2; iteration++)
        {
            var raw = new byte[random.Next(0, 40)];
            for (var i = 0; i < raw.Length; i++)
            {
                raw[i] = alphabet[random.Next(alphabet.Length)];
            }

            var input = Concat(raw, "\r\n.\r\n"u8.ToArray(), Pipelined);
            foreach (var policy in new[] { BareLineEndingPolicy.Reject, BareLineEndingPolicy.Normalize })
            {
                var (output, consumed, bare) = Reference(input, policy);
                var size = PickOutputSize(random);
                var result = DecodeHarness.Run(Segmentation.Random(input, random, random.Next(1, 9)), size, policy);
                var where = $"iteration {iteration}, {policy}, output {size}, input {Escape(input)}";
                Assert.True(result.Done, where);
                Assert.True(consumed == result.Consumed, $"{where}: consumed {result.Consumed}, expected {consumed}");
                Assert.True(bare == result.SawBareLineEnding, where);
                AssertBytes(output, result.Output, where);
            }
        }
    }

    [Fact]
    public void DecoderAgreesWithTheReferenceAcrossLongCleanRuns()
    {
        // Long clean stretches (vector-block fast path) broken by every hazard at every alignment:
        // dot-stuffed lines, bare CR, bare LF, CR at a block edge, a lone "." line that is no terminator.
        var random = new Random(3030);
        byte[][] tokens =
        [
            "The quick brown fox jumps over the lazy dog, again and again.\r\n"u8.ToArray(),
            "short\r\n"u8.ToArray(),
            "\r\n"u8.ToArray(),
            "..stuffed line\r\n"u8.ToArray(),
            "\n"u8.ToArray(),
            "\r"u8.ToArray(),
            "\n.\n"u8.ToArray(),
            new string('x', random.Next(1, 80)).Select(c => (byte)c).ToArray(),
        ];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var raw = new List<byte>();
            var count = random.Next(0, 60);
            for (var i = 0; i < count; i++)
            {
                // Mostly clean lines, so the fast path has something to skip.
                raw.AddRange(tokens[random.Next(10) < 6 ? 0 : random.Next(tokens.Length)]);
            }

            var input = Concat([.. raw], "\r\n.\r\n"u8.ToArray(), Pipelined);
            foreach (var policy in new[] { BareLineEndingPolicy.Reject, BareLineEndingPolicy.Normalize })
            {
                var (output, consumed, bare) = Reference(input, policy);
                var size = random.Next(2) == 0 ? 64 * 1024 : random.Next(1, 200);
                var result = DecodeHarness.Run(Segmentation.Random(input, random, random.Next(1, 400)), size, policy);
                var where = $"iteration {iteration}, {policy}, output {size}";
                Assert.True(result.Done, where);
                Assert.True(consumed == result.Consumed, $"{where}: consumed {result.Consumed}, expected {consumed}");
                Assert.True(bare == result.SawBareLineEnding, where);
                AssertBytes(output, result.Output, where);
            }
        }
    }

    private static DecodeResult DecodeRandomly(byte[] wire, Random random, BareLineEndingPolicy policy, out int wireLength, out string where)
    {
        wireLength = wire.Length;
        var input = Concat(wire, Pipelined);
        var size = PickOutputSize(random);
        var maxSegment = random.Next(1, 20);
        where = $"{policy}, output {size}, segments up to {maxSegment}, wire {Escape(wire)}";
        return DecodeHarness.Run(Segmentation.Random(input, random, maxSegment), size, policy);
    }

    private static int PickOutputSize(Random random) => random.Next(3) == 0
        ? random.Next(1, 100)
        : DecodeHarness.OutputSizes[random.Next(DecodeHarness.OutputSizes.Length)];

    private static byte[] RandomBody(Random random, bool bareLineEndings)
    {
        var body = new List<byte>();
        var tokens = random.Next(0, 30);
        for (var i = 0; i < tokens; i++)
        {
            switch (random.Next(bareLineEndings ? 7 : 5))
            {
                case 0: body.Add((byte)'.'); break;
                case 1: body.AddRange(".."u8.ToArray()); break;
                case 2: body.AddRange("\r\n"u8.ToArray()); break;
                case 3: body.AddRange("\r\n."u8.ToArray()); break;
                case 4: body.Add((byte)random.Next('A', 'z' + 1)); break;
                case 5: body.Add((byte)'\r'); break;
                default: body.Add((byte)'\n'); break;
            }
        }

        return [.. body];
    }

    /// <summary>The body as it is delivered: ending in CRLF unless empty (RFC 5321 4.1.1.4).</summary>
    private static byte[] Terminated(byte[] body) =>
        body.Length == 0 || body.AsSpan().EndsWith("\r\n"u8) ? body : Concat(body, "\r\n"u8.ToArray());

    /// <summary>
    /// Reference sender (RFC 5321 4.5.2): a line is what CRLF delimits; a line starting with "."
    /// gets another "." in front; then CRLF "." CRLF.
    /// </summary>
    private static byte[] Encode(byte[] body)
    {
        var terminated = Terminated(body);
        var wire = new List<byte>();
        var lineStart = true;
        for (var i = 0; i < terminated.Length; i++)
        {
            if (lineStart && terminated[i] == (byte)'.')
            {
                wire.Add((byte)'.');
            }

            wire.Add(terminated[i]);
            lineStart = terminated[i] == (byte)'\n' && i > 0 && terminated[i - 1] == (byte)'\r';
        }

        wire.AddRange(".\r\n"u8.ToArray());
        return [.. wire];
    }

    /// <summary>Replaces every CR not followed by LF and every LF not preceded by CR.</summary>
    private static byte[] RewriteBare(byte[] text, byte[]? replacement)
    {
        var result = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            var bare = (b == (byte)'\r' && (i + 1 == text.Length || text[i + 1] != (byte)'\n'))
                || (b == (byte)'\n' && (i == 0 || text[i - 1] != (byte)'\r'));
            if (!bare)
            {
                result.Add(b);
            }
            else if (replacement is not null)
            {
                result.AddRange(replacement);
            }
        }

        return replacement is null && result.Count == text.Length ? text : [.. result];
    }

    /// <summary>
    /// The decoding rules written as plainly as possible, over the whole input at once: lines end
    /// only at CRLF; at a line start "." CRLF ends the data and any other leading "." is dropped;
    /// a bare CR or LF becomes CRLF (Normalize) or nothing (Reject) and starts no new line.
    /// </summary>
    private static (byte[] Output, long Consumed, bool Bare) Reference(byte[] input, BareLineEndingPolicy policy)
    {
        var output = new List<byte>();
        var bare = false;
        var lineStart = true;
        var i = 0;
        while (true)
        {
            if (lineStart)
            {
                lineStart = false;
                if (input[i] == (byte)'.')
                {
                    if (input[i + 1] == (byte)'\r' && input[i + 2] == (byte)'\n')
                    {
                        return ([.. output], i + 3, bare);
                    }

                    i++;
                    continue;
                }
            }

            var b = input[i];
            if (b == (byte)'\r' && input[i + 1] == (byte)'\n')
            {
                output.AddRange("\r\n"u8.ToArray());
                i += 2;
                lineStart = true;
            }
            else if (b is (byte)'\r' or (byte)'\n')
            {
                bare = true;
                if (policy == BareLineEndingPolicy.Normalize)
                {
                    output.AddRange("\r\n"u8.ToArray());
                }

                i++;
            }
            else
            {
                output.Add(b);
                i++;
            }
        }
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static void AssertBytes(byte[] expected, byte[] actual, string where)
    {
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{where}: got {Escape(actual)}, expected {Escape(expected)}");
    }

    private static string Escape(byte[] bytes) => Encoding.Latin1.GetString(bytes)
        .Replace("\r", "\\r", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);
}
