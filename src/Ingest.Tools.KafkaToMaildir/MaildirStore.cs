using System.Net;
using Ingest.Delivery;
using Ingest.Delivery.Maildir;
using Ingest.Kafka.Records;

namespace Ingest.Tools.KafkaToMaildir;

/// <summary>
/// Writes reassembled messages through the gateway's own <see cref="MaildirSink"/>: tmp/, fsync,
/// rename into new/ (https://cr.yp.to/proto/maildir.html), named after the message id, with the
/// same Return-Path and Delivered-To lines. A message id already in new/ or cur/ is not written
/// again, so re-reading a topic (--from-beginning, or offsets not yet committed) adds no copies.
/// </summary>
internal sealed class MaildirStore
{
    private readonly MaildirSink _sink;
    private readonly HashSet<string> _present;

    public MaildirStore(string root, bool fsync)
    {
        _sink = new MaildirSink(new MaildirOptions { Path = root, Fsync = fsync });
        var full = Path.GetFullPath(root);
        _present = new HashSet<string>(
            new[] { "new", "cur" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(full, folder))).Select(path => IdOf(Path.GetFileName(path))).OfType<string>(),
            StringComparer.Ordinal);
    }

    public string NewDirectory => _sink.NewDirectory;

    /// <summary>True when written; false when a file of that message id is already there.</summary>
    public async Task<bool> StoreAsync(ReassembledMessage message, CancellationToken cancellationToken)
    {
        var id = message.Envelope.MessageId;
        if (_present.Contains(id))
        {
            return false;
        }

        var writer = await _sink.BeginAsync(Envelope(message.Envelope), cancellationToken);
        await using (writer)
        {
            var result = await writer.WriteAsync(message.Value, cancellationToken);
            if (result.IsAccepted)
            {
                result = await writer.CompleteAsync(cancellationToken);
            }

            if (!result.IsAccepted)
            {
                throw new IOException($"message {id}: {result.Detail}");
            }
        }

        _present.Add(id);
        return true;
    }

    /// <summary>The gateway's envelope again, so the sink writes the lines it would have written.</summary>
    private static MessageEnvelope Envelope(RecordEnvelope envelope) => new()
    {
        MessageId = envelope.MessageId,
        ReversePath = envelope.ReversePath,
        Recipients = envelope.Recipients,
        HeloName = envelope.HeloName,
        ClientEndPoint = envelope is { ClientAddress: { } address, ClientPort: { } port } ? new IPEndPoint(address, port) : null,
        ReceivedAt = envelope.ReceivedAt,
        Protocol = envelope.Protocol,
        EightBitMime = envelope.EightBitMime,
        BinaryMime = envelope.BinaryMime,
        RequireTls = envelope.RequireTls,
        DsnReturn = DsnText.ParseReturn(envelope.Return),
        EnvelopeId = envelope.EnvelopeId,
        RecipientDsn = envelope.RecipientDsn?.Select(dsn => new RecipientDsn(DsnText.ParseNotify(dsn.Notify), dsn.OriginalRecipient)).ToList(),
        SmtpUtf8 = envelope.SmtpUtf8,
        DeclaredSize = envelope.DeclaredSize,
        TlsProtocol = envelope.Tls?.Split(' ')[0],
        TlsCipher = envelope.Tls?.Split(' ') is [_, var cipher] ? cipher : null,
        AuthenticatedUser = envelope.Auth,
    };

    /// <summary>The message id in a Maildir sink file name: "{unix time}.{id}.{host}[,S=size][:2,flags]".</summary>
    internal static string? IdOf(string name)
    {
        var first = name.IndexOf('.', StringComparison.Ordinal);
        if (first < 0)
        {
            return null;
        }

        var second = name.IndexOf('.', first + 1);
        return second > first + 1 ? name[(first + 1)..second] : null;
    }
}
