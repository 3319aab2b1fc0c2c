using System.Text;
using Xunit.Abstractions;

namespace Ingest.Functional.Tests;

/// <summary>Raw TcpClient transcripts: the protocol as bytes on a real socket.</summary>
public sealed class RawTranscriptTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PipelinedTransactionIsDeliveredUnstuffed()
    {
        await using var gateway = await RunningGateway.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220 gw.test ESMTP");
        await client.SendAsync("EHLO raw.example\r\nMAIL FROM:<s@raw.example>\r\nRCPT TO:<r@dest.example>\r\nDATA\r\n");
        await client.ExpectAsync("250-gw.test");
        await client.ExpectAsync("250 2.1.0");
        await client.ExpectAsync("250 2.1.5");
        await client.ExpectAsync("354");
        await client.SendAsync("Subject: raw\r\n\r\n..one\r\n.\r\nQUIT\r\n");
        await client.ExpectAsync("250 2.0.0 OK: queued as ");
        await client.ExpectAsync("221 2.0.0");
        Assert.True(await client.IsClosedAsync());
        Assert.Equal("Subject: raw\r\n\r\n.one\r\n", Encoding.ASCII.GetString(MaildirFile.Read(Assert.Single(gateway.DeliveredFiles())).Message));
    }

    [Fact]
    public async Task SmugglingAttemptOverASocketDeliversNothing()
    {
        await using var gateway = await RunningGateway.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO raw.example\r\nMAIL FROM:<s@raw.example>\r\nRCPT TO:<r@dest.example>\r\nDATA\r\n");
        for (var i = 0; i < 4; i++)
        {
            await client.ReadReplyAsync();
        }

        await client.SendAsync("Subject: a\r\n\r\nhello\n.\nMAIL FROM:<spoof@bank.example>\nRCPT TO:<victim@dest.example>\nDATA\nforged\r\n.\r\nNOOP\r\n");
        await client.ExpectAsync("550 5.6.0");
        await client.ExpectAsync("250 2.0.0 OK");
        Assert.Empty(gateway.DeliveredFiles());
    }

    [Fact]
    public async Task OverlongCommandIsRefusedAndTheSessionContinues()
    {
        await using var gateway = await RunningGateway.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO " + new string('a', 100_000) + "\r\nEHLO raw.example\r\n");
        await client.ExpectAsync("500 5.5.6");
        await client.ExpectAsync("250-gw.test");
    }

    [Fact]
    public async Task CorpusMessagesSurviveDataAndBdatByteForByte()
    {
        // The generated corpus always; the real-world one too where INGEST_CORPUS_DIR or ../shared/corpus has it.
        var corpus = TestCorpus.All();
        var generated = TestCorpus.Generated();
        Assert.NotEmpty(generated);
        Assert.Equal(generated.Count + TestCorpus.RealWorld().Count, corpus.Count);
        output.WriteLine($"{generated.Count} generated messages, {corpus.Count - generated.Count} real-world ones from {TestCorpus.RealWorldDirectory() ?? "(none configured)"}");
        await using var gateway = await RunningGateway.StartAsync();
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync("EHLO raw.example\r\n");
        await client.ExpectAsync("250-");

        var expected = new Dictionary<string, byte[]>();
        foreach (var (_, raw) in corpus)
        {
            // DATA carries lines: the corpus file's line ends become CRLF, then it is dot-stuffed.
            var lines = Corpus.ToCrlf(raw);
            await client.SendAsync($"MAIL FROM:<s@raw.example> SMTPUTF8\r\nRCPT TO:<data@dest.example>\r\nDATA\r\n");
            await client.ExpectAsync("250");
            await client.ExpectAsync("250");
            await client.ExpectAsync("354");
            await client.SendAsync([.. Corpus.DotStuff(lines), .. ".\r\n"u8.ToArray()]);
            var id = (await client.ExpectAsync("250 2.0.0 OK: queued as "))[24..];
            expected[id] = lines;

            // BDAT carries octets: the file goes exactly as it is.
            await client.SendAsync([.. Encoding.ASCII.GetBytes($"MAIL FROM:<s@raw.example> SMTPUTF8\r\nRCPT TO:<bdat@dest.example>\r\nBDAT {raw.Length} LAST\r\n"), .. raw]);
            await client.ExpectAsync("250");
            await client.ExpectAsync("250");
            id = (await client.ExpectAsync("250 2.0.0 OK: queued as "))[24..];
            expected[id] = raw;
        }

        var files = gateway.DeliveredFiles();
        Assert.Equal(expected.Count, files.Length);
        foreach (var file in files)
        {
            var id = Path.GetFileName(file).Split('.')[1];
            Assert.Equal(expected[id], MaildirFile.Read(file).Message);
        }
    }
}
