using System.Buffers;
using System.Text;

namespace Ingest.Protocol.Tests;

/// <summary>
/// DATA (RFC 5321 4.1.1.4): the decoder starts right after the CRLF of the DATA command, which
/// counts as the first CRLF of the terminator, so "." CRLF at once is an empty body.
/// Every case runs over every segmentation, with output buffers of 1, 2, 3, 7 and 64 bytes.
/// </summary>
public class DataDecoderTests
{
    private const string Pipelined = "QUIT\r\n";

    // input up to and including the terminator; expected output under Normalize; under Reject; bare seen.
    public static TheoryData<string, string, string, bool> Cases => new()
    {
        { ".\r\n", "", "", false },
        { "\r\n.\r\n", "\r\n", "\r\n", false },
        { "a\r\n.\r\n", "a\r\n", "a\r\n", false },
        { "Subject: x\r\n\r\nHello\r\nWorld\r\n.\r\n", "Subject: x\r\n\r\nHello\r\nWorld\r\n", "Subject: x\r\n\r\nHello\r\nWorld\r\n", false },
        // RFC 5321 4.5.2: the first of two leading periods is removed.
        { "..x\r\n.\r\n", ".x\r\n", ".x\r\n", false },
        { "..\r\n.\r\n", ".\r\n", ".\r\n", false },
        { "a\r\n..\r\n.\r\n", "a\r\n.\r\n", "a\r\n.\r\n", false },
        { "a\r\n...\r\n.\r\n", "a\r\n..\r\n", "a\r\n..\r\n", false },
        { "..\r\n..\r\n..\r\n.\r\n", ".\r\n.\r\n.\r\n", ".\r\n.\r\n.\r\n", false },
        { "a.b\r\n.c\r\n.\r\n", "a.b\r\nc\r\n", "a.b\r\nc\r\n", false },
        { ". \r\n.\r\n", " \r\n", " \r\n", false },
        { "a.\r\n.\r\n", "a.\r\n", "a.\r\n", false },
        // Smuggling attempts (CVE-2023-51764 class): none of these ends the data; the real CRLF.CRLF does.
        { "a\n.\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", "a.b\r\n", true },
        { "a\r.\rb\r\n.\r\n", "a\r\n.\r\nb\r\n", "a.b\r\n", true },
        { "a\n.\r\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", "a.\r\nb\r\n", true },
        { "a\r.\r\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", "a.\r\nb\r\n", true },
        { "a\r\n.\nb\r\n.\r\n", "a\r\n\r\nb\r\n", "a\r\nb\r\n", true },
        { "a\r\n.\rb\r\n.\r\n", "a\r\n\r\nb\r\n", "a\r\nb\r\n", true },
        { ".\r\r\n.\r\n", "\r\n\r\n", "\r\n", true },
        { "a\r\n.\r\r\nb\r\n.\r\n", "a\r\n\r\n\r\nb\r\n", "a\r\n\r\nb\r\n", true },
        { "a\r\n.\n.\r\n.\r\n", "a\r\n\r\n.\r\n", "a\r\n.\r\n", true },
        { "a\r\n.\r.\r\n.\r\n", "a\r\n\r\n.\r\n", "a\r\n.\r\n", true },
        { "\n.\n\r\n.\r\n", "\r\n.\r\n\r\n", ".\r\n", true },
        { "\r.\r\r\n.\r\n", "\r\n.\r\n\r\n", ".\r\n", true },
        { "a\n\n.\n\n\r\n.\r\n", "a\r\n\r\n.\r\n\r\n\r\n", "a.\r\n", true },
        // A bare CR or LF just before a real CRLF "." CRLF does not hide it.
        { "a\r\r\n.\r\n", "a\r\n\r\n", "a\r\n", true },
        { "a\n\r\n.\r\n", "a\r\n\r\n", "a\r\n", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecoderUnstuffsAndStopsJustAfterTheTerminatorUnderNormalize(string input, string normalized, string rejected, bool bare)
    {
        _ = rejected;
        AssertDecodes(input, BareLineEndingPolicy.Normalize, normalized, bare);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DecoderUnstuffsAndStopsJustAfterTheTerminatorUnderReject(string input, string normalized, string rejected, bool bare)
    {
        _ = normalized;
        AssertDecodes(input, BareLineEndingPolicy.Reject, rejected, bare);
    }

    [Fact]
    public void DecoderLeavesASecondTerminatorUnconsumed()
    {
        var input = Bytes("a\r\n.\r\n.\r\n" + Pipelined);
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            var result = DecodeHarness.Run(sequence, 64, BareLineEndingPolicy.Normalize);
            Assert.True(result.Done, name);
            Assert.Equal(6, result.Consumed);
            Assert.Equal("a\r\n", Text(result.Output));
        }
    }

    // RFC 5321 2.3.8 and 4.1.1.4: only CRLF "." CRLF ends the data; bare CR or LF never
    // stands in for either CRLF.
    [Theory]
    [InlineData("a\n.\n", true)]
    [InlineData("a\r.\r", true)]
    [InlineData("a\n.\r\n", true)]
    [InlineData("a\r.\r\n", true)]
    [InlineData("a\r\n.\n", true)]
    [InlineData("a\r\n.\r", false)]
    [InlineData("a\r\n.\rX", true)]
    [InlineData(".\r\r\n", true)]
    [InlineData(".\n", true)]
    [InlineData("\n.\n", true)]
    [InlineData("\r.\r", true)]
    [InlineData("\n.\r\n", true)]
    [InlineData("a\r\n.\n\r\n", true)]
    [InlineData("a\r\n.\n.\r\n", true)]
    [InlineData("a\r\n.\r.\r\n", true)]
    [InlineData("a\r\n .\r\n", false)]
    [InlineData("a\r\n.x\r\n", false)]
    [InlineData("a\r\n\0.\r\n", false)]
    public void SmugglingSequencesDoNotEndTheData(string text, bool bare)
    {
        var input = Bytes(text);
        foreach (var policy in new[] { BareLineEndingPolicy.Reject, BareLineEndingPolicy.Normalize })
        {
            foreach (var (name, sequence) in Segmentation.Of(input))
            {
                foreach (var size in DecodeHarness.OutputSizes)
                {
                    var result = DecodeHarness.Run(sequence, size, policy);
                    Assert.False(result.Done, $"{policy}, {name}, output {size}: ended the data");
                    Assert.Equal(input.Length, result.Consumed);
                    Assert.Equal(bare, result.SawBareLineEnding);
                }
            }

            // ...and a real terminator afterwards still ends it, leaving the next command alone.
            var full = Bytes(text + "\r\n.\r\n" + Pipelined);
            foreach (var (name, sequence) in Segmentation.Of(full))
            {
                var result = DecodeHarness.Run(sequence, 3, policy);
                Assert.True(result.Done, $"{policy}, {name}");
                Assert.Equal(full.Length - Pipelined.Length, result.Consumed);
            }
        }
    }

    [Fact]
    public void DecoderDoesNotFinishOnAnyPrefixOfTheInput()
    {
        var input = Bytes("..a\r\n.\r\r\n\r\n..\r\n.\r\n");
        for (var length = 0; length < input.Length; length++)
        {
            foreach (var (name, sequence) in Segmentation.Of(input[..length]))
            {
                var result = DecodeHarness.Run(sequence, 2, BareLineEndingPolicy.Normalize);
                Assert.False(result.Done, $"prefix {length}, {name}");
                Assert.Equal(length, result.Consumed);
            }
        }
    }

    [Fact]
    public void RejectPolicyWritesNothingForBareLineEndings()
    {
        // Under Reject the message is refused; bare endings are dropped, never turned into CRLF.
        var result = DecodeHarness.Run(Segmentation.Build(Bytes("\n\r\n\r\r\r\n.\r\n")), 64, BareLineEndingPolicy.Reject);
        Assert.True(result.Done);
        Assert.True(result.SawBareLineEnding);
        Assert.Equal("\r\n\r\n", Text(result.Output));
    }

    [Fact]
    public void DecoderCopiesLongBodiesInRunsThatFitTheOutput()
    {
        var line = new string('x', 998) + "\r\n";
        var body = string.Concat(Enumerable.Repeat(line, 200));
        var input = Bytes(body + ".\r\n" + Pipelined);
        var random = new Random(6152);
        foreach (var size in new[] { 1, 7, 1000, 1001, 4096, 1 << 20 })
        {
            var sequence = Segmentation.Random(input, random, 3000);
            var result = DecodeHarness.Run(sequence, size, BareLineEndingPolicy.Reject);
            Assert.True(result.Done);
            Assert.Equal(input.Length - Pipelined.Length, result.Consumed);
            Assert.Equal(body, Text(result.Output));
        }
    }

    [Fact]
    public void DecoderIsCompleteOnlyAfterTheTerminator()
    {
        var decoder = new DataDecoder(BareLineEndingPolicy.Reject);
        Span<byte> output = stackalloc byte[16];
        Assert.Equal(OperationStatus.NeedMoreData, decoder.Decode("a\r\n.\r"u8, output, out var consumed, out _));
        Assert.Equal(5, consumed);
        Assert.False(decoder.IsComplete);
        Assert.Equal(OperationStatus.Done, decoder.Decode("\nQUIT\r\n"u8, output, out consumed, out var written));
        Assert.Equal(1, consumed);
        Assert.Equal(0, written);
        Assert.True(decoder.IsComplete);
    }

    private static void AssertDecodes(string text, BareLineEndingPolicy policy, string expected, bool bare)
    {
        var input = Bytes(text + Pipelined);
        foreach (var (name, sequence) in Segmentation.Of(input))
        {
            foreach (var size in DecodeHarness.OutputSizes)
            {
                var result = DecodeHarness.Run(sequence, size, policy);
                var where = $"{name}, output {size}";
                Assert.True(result.Done, where);
                Assert.True(text.Length == result.Consumed, $"{where}: consumed {result.Consumed}, expected {text.Length}");
                Assert.True(expected == Text(result.Output), $"{where}: got {Escape(Text(result.Output))}, expected {Escape(expected)}");
                Assert.True(bare == result.SawBareLineEnding, where);
            }
        }
    }

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
