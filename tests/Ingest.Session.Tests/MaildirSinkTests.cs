using System.Net;
using System.Text;
using Ingest.Delivery;
using Ingest.Delivery.Maildir;

namespace Ingest.Session.Tests;

public sealed class MaildirSinkTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ingest-maildir-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static MessageEnvelope Envelope(params string[] recipients) => Envelope(DateTimeOffset.UnixEpoch, recipients);

    private static MessageEnvelope Envelope(DateTimeOffset receivedAt, params string[] recipients) => new()
    {
        MessageId = Guid.NewGuid().ToString("N"),
        ReversePath = "sender@y.example",
        Recipients = recipients,
        HeloName = "c.example",
        ClientEndPoint = new IPEndPoint(IPAddress.Loopback, 1),
        ReceivedAt = receivedAt,
        Protocol = "ESMTP",
    };

    [Fact]
    public async Task CompletedMessageAppearsInNewAsOneFileWithTheEnvelopeLines()
    {
        var sink = new MaildirSink(new MaildirOptions { Path = _root });
        await using var writer = await sink.BeginAsync(Envelope("a@x.example", "b@x.example"), default);
        Assert.True((await writer.WriteAsync("Subject: s\r\n"u8.ToArray(), default)).IsAccepted);
        Assert.True((await writer.WriteAsync("\r\nbody\r\n"u8.ToArray(), default)).IsAccepted);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "new")));
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "tmp")));

        Assert.True((await writer.CompleteAsync(default)).IsAccepted);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_root, "new")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "tmp")));
        var content = await File.ReadAllTextAsync(file);
        Assert.Equal("Return-Path: <sender@y.example>\r\nDelivered-To: <a@x.example>\r\nDelivered-To: <b@x.example>\r\nSubject: s\r\n\r\nbody\r\n", content);
        Assert.EndsWith($",S={Encoding.UTF8.GetByteCount(content)}", file, StringComparison.Ordinal);
    }

    private async Task<string> DeliverAsync(MessageEnvelope envelope)
    {
        var sink = new MaildirSink(new MaildirOptions { Path = _root });
        await using (var writer = await sink.BeginAsync(envelope, default))
        {
            Assert.True((await writer.WriteAsync("Subject: s\r\n\r\nbody\r\n"u8.ToArray(), default)).IsAccepted);
            Assert.True((await writer.CompleteAsync(default)).IsAccepted);
        }

        return await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(_root, "new"))));
    }

    // RFC 3030 3 and RFC 8689 4: what a later hop must keep rides with Return-Path, in ESMTP syntax.
    [Fact]
    public async Task BinaryMimeAndRequireTlsAreWrittenAsAMailParametersLine()
    {
        var content = await DeliverAsync(new MessageEnvelope
        {
            MessageId = Guid.NewGuid().ToString("N"),
            ReversePath = "sender@y.example",
            Recipients = ["a@x.example"],
            HeloName = "c.example",
            ReceivedAt = DateTimeOffset.UnixEpoch,
            Protocol = "ESMTPS",
            BinaryMime = true,
            RequireTls = true,
        });
        Assert.StartsWith("Return-Path: <sender@y.example>\r\nX-Ingest-Mail-Parameters: BODY=BINARYMIME REQUIRETLS\r\nDelivered-To: <a@x.example>\r\nSubject: s\r\n", content);
    }

    [Fact]
    public async Task FileModificationTimeIsTheArrivalTimeThatImapServersReportAsInternalDate()
    {
        var sink = new MaildirSink(new MaildirOptions { Path = _root });
        var receivedAt = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1234567);
        await using (var writer = await sink.BeginAsync(Envelope(receivedAt, "a@x.example"), default))
        {
            Assert.True((await writer.WriteAsync("Subject: s\r\n\r\nbody\r\n"u8.ToArray(), default)).IsAccepted);
            Assert.True((await writer.CompleteAsync(default)).IsAccepted);
        }

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_root, "new")));
        Assert.Equal(receivedAt.UtcDateTime, File.GetLastWriteTimeUtc(file));
        Assert.StartsWith($"{receivedAt.ToUnixTimeSeconds()}.", Path.GetFileName(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AbortedMessageLeavesNothingBehind()
    {
        var sink = new MaildirSink(new MaildirOptions { Path = _root });
        var writer = await sink.BeginAsync(Envelope("a@x.example"), default);
        await writer.WriteAsync("partial"u8.ToArray(), default);
        await writer.DisposeAsync();
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "new")));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "tmp")));
    }

    [Fact]
    public async Task UnwritableDirectoryIsATemporaryFailure()
    {
        var sink = new MaildirSink(new MaildirOptions { Path = _root });
        Directory.Delete(Path.Combine(_root, "tmp"));
        await using var writer = await sink.BeginAsync(Envelope("a@x.example"), default);
        var result = await writer.CompleteAsync(default);
        Assert.Equal(DeliveryStatus.TemporaryFailure, result.Status);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "new")));
    }
}
