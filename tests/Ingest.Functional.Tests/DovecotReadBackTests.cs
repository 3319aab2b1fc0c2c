using System.Text;
using MailKit;
using MailKit.Search;
using MimeKit;
using Xunit.Abstractions;

namespace Ingest.Functional.Tests;

/// <summary>
/// What the gateway's Maildir sink writes, read back the way people read mail: a private Dovecot
/// (IMAP and POP3) over the very Maildir the gateway delivers into, MailKit's clients on the other
/// side. Dovecot must serve each file unchanged and find nothing in the Maildir to complain about.
/// </summary>
public sealed class DovecotReadBackTests(ITestOutputHelper output)
{
    private const string Bounce = "Subject: bounce\r\n\r\nsent with BDAT LAST, no line ending at the end";

    [ToolFact("dovecot")]
    public async Task GatewayMaildirReadsBackOverImapAndPop3ByteForByte()
    {
        await using var gateway = await RunningGateway.StartAsync();
        var plain = Message("plain", 1024, ["alice@example.com"]);
        var large = Message("large", 150 * 1024, ["alice@example.com", "carol@example.com"]);
        var international = Message("international", 2048, ["jörg@bücher.example"], eightBit: true);
        var sent = new Dictionary<string, (string Id, byte[] Wire, string ReturnPath, string[] DeliveredTo)>
        {
            ["plain"] = (await MailKitSend.SendAsync(gateway.EndPoint, plain, useData: true), MailKitSend.Wire(plain), "<bob@example.org>", ["<alice@example.com>"]),
            ["large"] = (await MailKitSend.SendAsync(gateway.EndPoint, large, useData: false), MailKitSend.Wire(large), "<bob@example.org>", ["<alice@example.com>", "<carol@example.com>"]),
            ["international"] = (await MailKitSend.SendAsync(gateway.EndPoint, international, useData: true), MailKitSend.Wire(international, international: false), "<bob@example.org>", ["<jörg@bücher.example>"]),
            ["bounce"] = (await SendBounceAsync(gateway), Encoding.ASCII.GetBytes(Bounce), "<>", ["<postmaster@example.com>"]),
        };

        await using var dovecot = await DovecotServer.StartAsync(gateway.Maildir, output.WriteLine);
        using (var imap = await dovecot.ConnectImapAsync())
        {
            var inbox = imap.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadWrite);
            Assert.Equal(4, inbox.Count);
            Assert.Equal(4, inbox.Recent);
            Assert.Equal(4, await ImapMessage.CountAsync(inbox, SearchQuery.NotSeen));

            var messages = await ImapMessage.FetchAllAsync(inbox);
            // Opening the mailbox moved every message from new/ to cur/ with an empty ":2," info.
            var files = MaildirEntry.ReadAll(gateway.Maildir);
            Assert.All(files, file => Assert.Equal(("cur", "2,"), (file.Folder, file.Info)));
            ReadBackAssert.ImapServesEveryFile(messages, files);
            Assert.All(messages, message => Assert.Equal(MessageFlags.Recent, message.Flags));
            foreach (var message in messages)
            {
                var headers = ReadBackAssert.Headers(message.Bytes);
                var (id, wire, returnPath, deliveredTo) = sent[Subject(message.Bytes)];
                Assert.Equal(returnPath, headers[HeaderId.ReturnPath]);
                Assert.Equal(deliveredTo, headers.Where(header => header.Field == "Delivered-To").Select(header => header.Value));
                Assert.Contains($"by gw.test (Ingest) with {(deliveredTo[0].Contains('ö', StringComparison.Ordinal) ? "UTF8SMTP" : "ESMTP")} id {id}", headers[HeaderId.Received], StringComparison.Ordinal);
                Assert.Equal(wire, MaildirFile.Read(files.Single(file => file.Path.Contains($".{id}.", StringComparison.Ordinal)).Path).Message);
            }

            // Delivered while the mailbox is open: the next NOOP reports it (RFC 3501 7.3.1 EXISTS).
            var late = Message("late", 512, ["alice@example.com"]);
            sent["late"] = (await MailKitSend.SendAsync(gateway.EndPoint, late, useData: true), MailKitSend.Wire(late), "<bob@example.org>", ["<alice@example.com>"]);
            await imap.NoOpAsync();
            Assert.Equal(5, inbox.Count);
            await imap.DisconnectAsync(quit: true);
        }

        using (var pop3 = await dovecot.ConnectPop3Async())
        {
            Assert.Equal(5, pop3.Count);
            ReadBackAssert.Pop3ServesEveryFile(await Pop3Message.RetrieveAllAsync(pop3), MaildirEntry.ReadAll(gateway.Maildir));
            await pop3.DisconnectAsync(quit: true);
        }

        using (var imap = await dovecot.ConnectImapAsync())
        {
            // POP3's RETR marked every message \Seen; Dovecot keeps the flag in the name's info (":2,S").
            var inbox = imap.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(5, inbox.Count);
            Assert.Equal(0, await ImapMessage.CountAsync(inbox, SearchQuery.NotSeen));
            var messages = await ImapMessage.FetchAllAsync(inbox);
            Assert.All(messages, message => Assert.True(message.Flags.HasFlag(MessageFlags.Seen), $"{message.Uid}: {message.Flags}"));
            var files = MaildirEntry.ReadAll(gateway.Maildir);
            Assert.All(files, file => Assert.Equal(("cur", "2,S"), (file.Folder, file.Info)));
            ReadBackAssert.ImapServesEveryFile(messages, files);
            await imap.DisconnectAsync(quit: true);
        }

        dovecot.AssertNothingWrongLogged();
    }

    [ToolFact("dovecot")]
    public async Task DovecotStartsAgainOnOtherPortsWhenAPortItWasGivenIsTaken()
    {
        // Port 0 cannot be configured in Dovecot, so ports are picked first and bound later: another
        // process may take one in between. Here the first pick is a port a listener already holds.
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var maildir = Directory.CreateTempSubdirectory("ingest-dovecot-retry-").FullName;
        try
        {
            var picks = 0;
            await using var dovecot = await DovecotServer.StartAsync(maildir, output.WriteLine, () => ++picks == 1 ? (taken, Free()) : (Free(), Free()));
            Assert.Equal(2, dovecot.Attempts);
            Assert.NotEqual(taken, dovecot.Imap.Port);
            using var imap = await dovecot.ConnectImapAsync();
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(0, imap.Inbox.Count);
            await imap.DisconnectAsync(quit: true);
            Assert.Contains($"listen(127.0.0.1, {taken}) failed: Address already in use", dovecot.Log, StringComparison.Ordinal);
            dovecot.AssertNothingWrongLogged();
        }
        finally
        {
            Directory.Delete(maildir, recursive: true);
        }

        static int Free()
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
        }
    }

    private static MimeMessage Message(string subject, int approximateSize, string[] to, bool eightBit = false)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("bob@example.org"));
        foreach (var recipient in to)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = subject;
        var text = new StringBuilder(approximateSize + 100);
        for (var line = 0; text.Length < approximateSize; line++)
        {
            // Lines starting with a dot: unstuffed by the gateway, stuffed again by POP3 and unstuffed by the client.
            text.Append(line % 5 == 0 ? "." : "").Append(eightBit ? "Grüße " : "line ").Append(line).Append(' ').Append('x', line % 70).Append("\r\n");
        }

        message.Body = new TextPart("plain") { Text = text.ToString(), ContentTransferEncoding = eightBit ? ContentEncoding.EightBit : ContentEncoding.SevenBit };
        return message;
    }

    /// <summary>A bounce (null reverse-path, RFC 5321 4.5.5) whose body ends without CRLF, as only BDAT can send it.</summary>
    private static async Task<string> SendBounceAsync(RunningGateway gateway)
    {
        await using var client = await RawSmtpClient.ConnectAsync(gateway.EndPoint);
        await client.ExpectAsync("220");
        await client.SendAsync($"EHLO client.test\r\nMAIL FROM:<>\r\nRCPT TO:<postmaster@example.com>\r\nBDAT {Bounce.Length} LAST\r\n{Bounce}");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        await client.ExpectAsync("250");
        var reply = await client.ExpectAsync("250");
        await client.SendAsync("QUIT\r\n");
        await client.ExpectAsync("221");
        return reply[(reply.LastIndexOf(' ') + 1)..];
    }

    private static string Subject(byte[] message) => ReadBackAssert.Headers(message)[HeaderId.Subject] ?? "";
}
