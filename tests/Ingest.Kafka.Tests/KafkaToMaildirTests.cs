using System.CommandLine;
using System.Text;
using Ingest.Tools.KafkaToMaildir;
using Xunit.Abstractions;

namespace Ingest.Kafka.Tests;

/// <summary>
/// The operator tool end to end: MailKit into the gateway, the gateway into Kafka, the tool out of
/// Kafka into a Maildir. Each file must be exactly what the gateway's own Maildir sink would have
/// written: Return-Path and Delivered-To lines, the Received header, the bytes the client sent.
/// </summary>
public sealed class KafkaToMaildirTests(KafkaTarget kafka, ITestOutputHelper output) : IClassFixture<KafkaTarget>, IDisposable
{
    private readonly string _maildir = Path.Combine(Path.GetTempPath(), "ingest-k2m-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ToolWritesEveryMessageIntoTheMaildirByteForByte()
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        var sent = new Dictionary<string, (byte[] Wire, string[] Recipients)>();
        foreach (var (size, useData, to) in new (int, bool, string[])[]
        {
            (1024, true, ["alice@example.com"]),
            (150 * 1024, false, ["alice@example.com"]),
            // Chunked in Kafka, joined again by the tool; under the mock's 5 MiB per partition.
            (3 * 1024 * 1024, true, ["alice@example.com"]),
            (2048, false, ["alice@example.com", "carol@example.net"]),
        })
        {
            var message = Mail.Message(size, to);
            sent.Add(await Mail.SendAsync(gateway, message, useData), (Mail.WireBytes(message), to));
        }

        var (code, text) = await RunToolAsync("--bootstrap-servers", kafka.BootstrapServers, "--topic", topic, "--maildir", _maildir, "--from-beginning", "--max-messages", "4");
        Assert.True(code == 0, text);

        var files = Directory.GetFiles(Path.Combine(_maildir, "new"));
        Assert.Equal(sent.Count, files.Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(_maildir, "tmp")));
        foreach (var (id, (wire, recipients)) in sent)
        {
            var file = Assert.Single(files, path => Path.GetFileName(path).Contains($".{id}.", StringComparison.Ordinal));
            var bytes = await File.ReadAllBytesAsync(file);
            // The Maildir sink's name carries the size (",S="), as the gateway's own files do.
            Assert.EndsWith($",S={bytes.Length}", Path.GetFileName(file), StringComparison.Ordinal);
            var envelopeLines = "Return-Path: <bob@example.org>\r\n" + string.Concat(recipients.Select(recipient => $"Delivered-To: <{recipient}>\r\n"));
            Assert.Equal(Encoding.UTF8.GetBytes(envelopeLines), bytes[..envelopeLines.Length]);
            Assert.Equal(wire, bytes[^wire.Length..]);
            var trace = Encoding.UTF8.GetString(bytes, envelopeLines.Length, bytes.Length - envelopeLines.Length - wire.Length);
            Assert.StartsWith("Received: from ", trace, StringComparison.Ordinal);
            Assert.Contains($"by gw.test (Ingest) with ESMTP id {id}", trace, StringComparison.Ordinal);
        }
    }

    // The tool writes the envelope lines the gateway's own Maildir sink would: DSN and BINARYMIME included.
    [Fact]
    public async Task ToolKeepsDsnAndBinaryMimeInTheEnvelopeLines()
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync(partitions: 1);
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        await using (var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            await client.ExpectAsync("220");
            await client.SendAsync("EHLO client.test\r\nMAIL FROM:<bob@example.org> BODY=BINARYMIME RET=HDRS ENVID=e+2B1\r\n"
                + "RCPT TO:<alice@example.com> NOTIFY=FAILURE,SUCCESS ORCPT=rfc822;a+2Bb@example.com\r\nRCPT TO:<carol@example.net>\r\n"
                + "BDAT 5 LAST\r\nhi\0\r\n");
            await client.ExpectAsync("250-");
            await client.ExpectAsync("250 2.1.0");
            await client.ExpectAsync("250 2.1.5");
            await client.ExpectAsync("250 2.1.5");
            await client.ExpectAsync("250 2.0.0 OK");
        }

        var (code, text) = await RunToolAsync("--bootstrap-servers", kafka.BootstrapServers, "--topic", topic, "--maildir", _maildir, "--from-beginning", "--max-messages", "1");
        Assert.True(code == 0, text);
        var content = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(_maildir, "new"))));
        Assert.StartsWith(
            "Return-Path: <bob@example.org>\r\n"
            + "X-Ingest-Mail-Parameters: RET=HDRS ENVID=e+2B1 BODY=BINARYMIME\r\n"
            + "Delivered-To: <alice@example.com>\r\n"
            + "X-Ingest-Rcpt-Parameters: <alice@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a+2Bb@example.com\r\n"
            + "Delivered-To: <carol@example.net>\r\n"
            + "Received: from ",
            content,
            StringComparison.Ordinal);
        Assert.EndsWith("hi\0\r\n", content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolSkipsAbortedMailResumesWhereItsGroupStoppedAndNeverWritesACopy()
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync(partitions: 1);
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        var first = await Mail.SendAsync(gateway, Mail.Message(1024), useData: true);
        await using (var leaving = await RawSmtpClient.ConnectAsync(gateway.EndPoint))
        {
            // Chunks of this one reach Kafka, then the client vanishes: an abort record, never a file.
            await leaving.ExpectAsync("220");
            await leaving.SendAsync("EHLO client.test\r\nMAIL FROM:<bob@example.org>\r\nRCPT TO:<alice@example.com>\r\nDATA\r\n");
            for (var i = 0; i < 4; i++)
            {
                await leaving.ExpectAsync(i < 3 ? "250" : "354");
            }

            await leaving.SendAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Subject: gone\r\n" + new string('g', 70) + "\r\n", 30_000))));
        }

        string[] group = ["--bootstrap-servers", kafka.BootstrapServers, "--topic", topic, "--maildir", _maildir, "--group", "k2m-" + Guid.NewGuid().ToString("N")];
        var (code, text) = await RunToolAsync([.. group, "--from-beginning", "--max-messages", "1"]);
        Assert.True(code == 0, text);
        Assert.Equal([first], Ids());

        // The next run of the same group starts after what the last one stored.
        var second = await Mail.SendAsync(gateway, Mail.Message(2048), useData: false);
        (code, text) = await RunToolAsync([.. group, "--max-messages", "1"]);
        Assert.True(code == 0, text);
        Assert.Contains("1 written", text, StringComparison.Ordinal);
        Assert.Equal(new[] { first, second }.Order(), Ids().Order());

        // Everything again from the start: both are recognised, nothing is written twice.
        (code, text) = await RunToolAsync([.. group, "--from-beginning", "--max-messages", "2"]);
        Assert.True(code == 0, text);
        Assert.Contains("0 written", text, StringComparison.Ordinal);
        Assert.Contains("2 already there", text, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_maildir, "new")).Length);

        // Nothing new: --timeout ends the run by itself.
        (code, text) = await RunToolAsync([.. group, "--timeout", "1"]);
        Assert.True(code == 0, text);
        Assert.Contains("0 written", text, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_maildir, "new")).Length);
    }

    [ToolFact("dovecot")]
    public async Task ToolMaildirReadsBackOverImapAndPop3ByteForByteWithTheArrivalTime()
    {
        output.WriteLine(kafka.Description);
        var topic = await kafka.CreateTopicAsync();
        await using var gateway = await KafkaGateway.StartAsync(kafka.BootstrapServers, topic);
        var small = Mail.Message(1024);
        var chunked = Mail.Message(1536 * 1024, "alice@example.com", "carol@example.com");
        var wire = new Dictionary<string, byte[]>
        {
            [await Mail.SendAsync(gateway, small, useData: true)] = Mail.WireBytes(small),
            // Two records in Kafka (over Ingest:Kafka:MaxRecordBytes), one file again.
            [await Mail.SendAsync(gateway, chunked, useData: false)] = Mail.WireBytes(chunked),
        };

        // A message that reached Kafka days before the tool copies it: the copy must keep that arrival time.
        var oldId = Guid.NewGuid().ToString("N");
        var oldValue = Encoding.ASCII.GetBytes($"Received: from client.test ([192.0.2.1])\r\n\tby gw-1 (Ingest) with ESMTP id {oldId};\r\n\tSat, 28 Nov 2026 16:00:34 +0000\r\nSubject: old\r\n\r\nbody\r\n");
        await ProduceAsync(topic, Records.Whole(oldId, oldValue, topic));
        wire[oldId] = oldValue;

        string[] group = ["--bootstrap-servers", kafka.BootstrapServers, "--topic", topic, "--maildir", _maildir, "--group", "k2m-" + Guid.NewGuid().ToString("N")];
        var (code, text) = await RunToolAsync([.. group, "--from-beginning", "--max-messages", "3"]);
        Assert.True(code == 0, text);

        await using var dovecot = await DovecotServer.StartAsync(_maildir, output.WriteLine);
        using (var imap = await dovecot.ConnectImapAsync())
        {
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadWrite);
            Assert.Equal(3, imap.Inbox.Count);
            Assert.Equal(3, await ImapMessage.CountAsync(imap.Inbox, MailKit.Search.SearchQuery.NotSeen));
            var messages = await ImapMessage.FetchAllAsync(imap.Inbox);
            ReadBackAssert.ImapServesEveryFile(messages, MaildirEntry.ReadAll(_maildir));
            foreach (var message in messages)
            {
                var headers = ReadBackAssert.Headers(message.Bytes);
                var id = wire.Keys.Single(id => headers[MimeKit.HeaderId.Received]!.Contains($" id {id}", StringComparison.Ordinal));
                Assert.Equal("<bob@example.org>", headers[MimeKit.HeaderId.ReturnPath]);
                Assert.Equal(
                    id == oldId || message.Size > 1024 * 1024 ? ["<alice@example.com>", "<carol@example.com>"] : ["<alice@example.com>"],
                    headers.Where(header => header.Field == "Delivered-To").Select(header => header.Value));
                Assert.Equal(wire[id], message.Bytes[^wire[id].Length..]);
            }

            // INTERNALDATE is when the gateway received the message, not when the tool wrote the file.
            Assert.Contains(messages, message => message.InternalDate == new DateTimeOffset(2026, 11, 28, 16, 0, 34, TimeSpan.Zero));
            await imap.DisconnectAsync(quit: true);
        }

        using (var pop3 = await dovecot.ConnectPop3Async())
        {
            ReadBackAssert.Pop3ServesEveryFile(await Pop3Message.RetrieveAllAsync(pop3), MaildirEntry.ReadAll(_maildir));
            await pop3.DisconnectAsync(quit: true);
        }

        // Dovecot renamed the files into cur/ with ":2,S" (POP3 marked them seen). The next run of
        // the tool still recognises every one of them, and adds only what is new.
        Assert.All(MaildirEntry.ReadAll(_maildir), file => Assert.Equal(("cur", "2,S"), (file.Folder, file.Info)));
        var later = Mail.Message(2048);
        wire[await Mail.SendAsync(gateway, later, useData: true)] = Mail.WireBytes(later);
        (code, text) = await RunToolAsync([.. group, "--from-beginning", "--max-messages", "4"]);
        Assert.True(code == 0, text);
        Assert.Contains("1 written", text, StringComparison.Ordinal);
        Assert.Contains("3 already there", text, StringComparison.Ordinal);

        using (var imap = await dovecot.ConnectImapAsync())
        {
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            Assert.Equal(4, imap.Inbox.Count);
            Assert.Equal(1, await ImapMessage.CountAsync(imap.Inbox, MailKit.Search.SearchQuery.NotSeen));
            ReadBackAssert.ImapServesEveryFile(await ImapMessage.FetchAllAsync(imap.Inbox), MaildirEntry.ReadAll(_maildir));
            await imap.DisconnectAsync(quit: true);
        }

        dovecot.AssertNothingWrongLogged();
    }

    [Fact]
    public async Task ToolExitsWith2ForATopicThatDoesNotExistAnd1ForBadArguments()
    {
        var (code, text) = await RunToolAsync("--bootstrap-servers", kafka.BootstrapServers, "--topic", "ingest-test-missing-" + Guid.NewGuid().ToString("N")[..12], "--maildir", _maildir, "--timeout", "1");
        Assert.True(code == 2, text);

        (code, text) = await RunToolAsync("--bootstrap-servers", kafka.BootstrapServers, "--topic", "t", "--maildir", _maildir, "--max-messages", "0", "-X", "group.id=x");
        Assert.True(code == 1, text);
        Assert.Contains("--max-messages", text, StringComparison.Ordinal);
        Assert.Contains("--group", text, StringComparison.Ordinal);
    }

    private async Task ProduceAsync(string topic, Ingest.Kafka.Records.ConsumedRecord record)
    {
        using var producer = new Confluent.Kafka.ProducerBuilder<byte[], byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        var headers = new Confluent.Kafka.Headers();
        foreach (var (name, value) in record.Headers)
        {
            headers.Add(name, value);
        }

        await producer.ProduceAsync(topic, new Confluent.Kafka.Message<byte[], byte[]> { Key = record.Key!, Value = record.Value, Headers = headers });
    }

    private string[] Ids() =>
        Directory.GetFiles(Path.Combine(_maildir, "new")).Select(path => MaildirStore.IdOf(Path.GetFileName(path))!).ToArray();

    private async Task<(int Code, string Output)> RunToolAsync(params string[] args)
    {
        using var writer = new StringWriter();
        var code = await KafkaToMaildirCommand.Create().Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer, ProcessTerminationTimeout = null });
        output.WriteLine($"kafka-to-maildir {string.Join(' ', args)} -> {code}\n{writer}");
        return (code, writer.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_maildir))
        {
            Directory.Delete(_maildir, recursive: true);
        }
    }
}
