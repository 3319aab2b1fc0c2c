using System.Text;
using Xunit.Abstractions;

namespace Ingest.Functional.Tests;

/// <summary>
/// The generated corpus in tests/corpus is what <see cref="CorpusGenerator"/> writes, and holds
/// every case it is there for. After changing the generator (or MimeKit), write the files again:
/// INGEST_CORPUS_WRITE=1 dotnet test tests/Ingest.Functional.Tests --filter CommittedCorpusIsWhatTheGeneratorWrites
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    private const string WriteVariable = "INGEST_CORPUS_WRITE";

    [Fact]
    public void CommittedCorpusIsWhatTheGeneratorWrites()
    {
        var generated = CorpusGenerator.Messages();
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            Rewrite(generated);
        }

        var committed = TestCorpus.Generated();
        Assert.Equal(generated.Select(message => message.Name), committed.Select(message => message.Name));
        foreach (var (made, found) in generated.Zip(committed))
        {
            Assert.True(made.Bytes.AsSpan().SequenceEqual(found.Bytes), $"tests/corpus/{found.Name} differs from what the generator writes; run with {WriteVariable}=1 to write it again, and review the diff");
        }
    }

    [Fact]
    public void GeneratedCorpusHoldsEveryCaseItIsThereFor()
    {
        var corpus = TestCorpus.Generated();
        foreach (var message in corpus)
        {
            output.WriteLine(message.ToString());
        }

        bool Any(Func<CorpusMessage, bool> test) => corpus.Any(test);
        static string Text(CorpusMessage message) => Encoding.UTF8.GetString(message.Bytes);
        static string[] Lines(CorpusMessage message) => Text(message).Split("\r\n");
        static string HeaderSection(CorpusMessage message) => Text(message).Split("\r\n\r\n")[0];

        Assert.True(Any(m => Text(m).Contains("Content-Type: multipart/alternative", StringComparison.Ordinal)), "multipart/alternative");
        Assert.True(Any(m => Text(m).Contains("Content-Type: multipart/mixed", StringComparison.Ordinal)), "multipart/mixed");
        Assert.True(Any(m => Text(m).Contains("Content-Transfer-Encoding: base64", StringComparison.Ordinal) && Text(m).Contains("filename=", StringComparison.Ordinal)), "base64 attachment");
        Assert.True(Any(m => Text(m).Contains("Content-Disposition: attachment", StringComparison.Ordinal) && Text(m).Contains("Content-Transfer-Encoding: quoted-printable", StringComparison.Ordinal)), "quoted-printable attachment");
        Assert.True(Any(m => Text(m).Contains("Content-Transfer-Encoding: 8bit", StringComparison.Ordinal) && Text(m).Split("\r\n\r\n", 2)[1].Any(c => c > 127)), "8bit body");
        Assert.True(Any(m => HeaderSection(m).Contains("=?utf-8?", StringComparison.OrdinalIgnoreCase)), "RFC 2047 encoded words");
        Assert.True(Any(m => Encoding.UTF8.GetBytes(HeaderSection(m)).Any(b => b > 127) && HeaderSection(m).Contains("From: \u7528\u6237 <\u7528\u6237@", StringComparison.Ordinal)), "raw UTF-8 headers and an SMTPUTF8 address");
        Assert.True(Any(m => m.Bytes.AsSpan().IndexOf("\r\n"u8) >= 0 && LineLengths(m.Bytes).Contains(998)), "a line of exactly 998 octets");
        Assert.True(Any(m => LineLengths(m.Bytes).Max() == 998 && Lines(m).Any(line => line.Length == 998 && line[0] == '.')), "a 998-octet line starting with a dot");
        Assert.True(Any(m => Lines(m).Contains(".") && Lines(m).Contains("..")), "lines starting with dots");
        Assert.True(Any(m => Text(m).Split("Content-Type: message/rfc822").Length >= 3), "message/rfc822 nested in message/rfc822");
        Assert.True(Any(m => m.Bytes.AsSpan().EndsWith("\r\n\r\n"u8) && m.Bytes.AsSpan().IndexOf("\r\n\r\n"u8) == m.Bytes.Length - 4), "an empty body");
        var unterminated = Assert.Single(corpus, m => !m.Bytes.AsSpan().EndsWith("\r\n"u8));
        Assert.Equal("12-no-final-crlf.eml", unterminated.Name);
        // Mail is CRLF throughout (RFC 5322 2.1): no bare CR or LF anywhere.
        Assert.All(corpus, m => Assert.Equal(Text(m).Split("\r\n").Length - 1, Text(m).Count(c => c == '\n')));
        Assert.All(corpus, m => Assert.Equal(Text(m).Split("\r\n").Length - 1, Text(m).Count(c => c == '\r')));
        Assert.All(corpus, m => Assert.True(LineLengths(m.Bytes).Max() <= 998, $"{m.Name}: a line over 998 octets"));
    }

    private static List<int> LineLengths(byte[] bytes)
    {
        var lengths = new List<int>();
        var rest = bytes.AsSpan();
        for (var end = rest.IndexOf("\r\n"u8); end >= 0; end = rest.IndexOf("\r\n"u8))
        {
            lengths.Add(end);
            rest = rest[(end + 2)..];
        }

        lengths.Add(rest.Length);
        return lengths;
    }

    private void Rewrite(IReadOnlyList<CorpusMessage> generated)
    {
        var directory = TestCorpus.GeneratedDirectory;
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.GetFiles(directory, "*.eml"))
        {
            File.Delete(stale);
        }

        foreach (var message in generated)
        {
            File.WriteAllBytes(Path.Combine(directory, message.Name), message.Bytes);
            output.WriteLine($"wrote {Path.Combine(directory, message.Name)}");
        }
    }
}
