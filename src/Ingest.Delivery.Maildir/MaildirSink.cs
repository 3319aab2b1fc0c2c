using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ingest.Delivery.Maildir;

/// <summary>
/// Delivers into a Maildir (https://cr.yp.to/proto/maildir.html): each message is written to tmp/,
/// fsynced, then renamed into new/, so a reader never sees a partial file. One file per message,
/// whatever the number of recipients; the envelope is kept as Return-Path and Delivered-To lines.
/// Files keep the CRLF line endings of the wire, so they hold exactly the bytes received.
/// </summary>
public sealed class MaildirSink : IMessageSink
{
    private readonly MaildirOptions _options;
    private readonly string _tmp;
    private readonly string _new;
    private readonly string _hostPart;

    public MaildirSink(MaildirOptions options)
    {
        _options = options;
        var root = Path.GetFullPath(options.Path);
        _tmp = Path.Combine(root, "tmp");
        _new = Path.Combine(root, "new");
        Directory.CreateDirectory(_tmp);
        Directory.CreateDirectory(_new);
        Directory.CreateDirectory(Path.Combine(root, "cur"));
        // The Maildir spec: '/' and ':' in the host part are written as \057 and \072.
        _hostPart = Environment.MachineName.Replace("/", @"\057", StringComparison.Ordinal).Replace(":", @"\072", StringComparison.Ordinal);
    }

    /// <summary>The envelope line with the MAIL parameters a later hop needs (above Received:, with Return-Path).</summary>
    public const string MailParametersField = "X-Ingest-Mail-Parameters";

    /// <summary>The envelope line with a recipient's DSN parameters, after its Delivered-To line.</summary>
    public const string RecipientParametersField = "X-Ingest-Rcpt-Parameters";

    public string NewDirectory => _new;

    public ValueTask<IMessageWriter> BeginAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{envelope.ReceivedAt.ToUnixTimeSeconds()}.{envelope.MessageId}.{_hostPart}");
        var tmpPath = Path.Combine(_tmp, name);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(tmpPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ValueTask.FromResult<IMessageWriter>(new FailedMessageWriter(DeliveryResult.Temporary(exception.Message)));
        }

        var writer = new MaildirWriter(this, envelope, handle, tmpPath, name);
        return writer.StartAsync(EnvelopeLines(envelope), cancellationToken);
    }

    internal bool Fsync => _options.Fsync;

    internal string FinalPath(string name, long size) =>
        Path.Combine(_new, string.Create(CultureInfo.InvariantCulture, $"{name},S={size}"));

    private static byte[] EnvelopeLines(MessageEnvelope envelope)
    {
        var builder = new StringBuilder(64 + 48 * envelope.Recipients.Count);
        builder.Append("Return-Path: <").Append(envelope.ReversePath).Append(">\r\n");
        MailParametersLine(builder, envelope);
        for (var i = 0; i < envelope.Recipients.Count; i++)
        {
            builder.Append("Delivered-To: <").Append(envelope.Recipients[i]).Append(">\r\n");
            if (envelope.RecipientDsn is { } dsn && i < dsn.Count)
            {
                RecipientParametersLine(builder, envelope.Recipients[i], dsn[i]);
            }
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>
    /// The MAIL parameters a later hop must keep, in ESMTP syntax with values re-encoded as xtext:
    /// RET and ENVID (RFC 3461 4.3, 4.4), BODY=BINARYMIME (RFC 3030 3) and REQUIRETLS (RFC 8689 4).
    /// Written only when there is one.
    /// </summary>
    private static void MailParametersLine(StringBuilder builder, MessageEnvelope envelope)
    {
        var ret = DsnText.Return(envelope.DsnReturn);
        if (!envelope.BinaryMime && !envelope.RequireTls && ret is null && envelope.EnvelopeId is null)
        {
            return;
        }

        builder.Append(MailParametersField).Append(':');
        if (ret is not null)
        {
            builder.Append(" RET=").Append(ret);
        }

        if (envelope.EnvelopeId is { } envelopeId)
        {
            builder.Append(" ENVID=").Append(DsnText.Xtext(envelopeId));
        }

        if (envelope.BinaryMime)
        {
            builder.Append(" BODY=BINARYMIME");
        }

        if (envelope.RequireTls)
        {
            builder.Append(" REQUIRETLS");
        }

        builder.Append("\r\n");
    }

    /// <summary>
    /// A recipient's NOTIFY and ORCPT (RFC 3461 4.1, 4.2) after its Delivered-To line, as the RCPT
    /// command's arguments: "&lt;mailbox&gt; NOTIFY=... ORCPT=type;xtext". Only for a recipient that had them.
    /// </summary>
    private static void RecipientParametersLine(StringBuilder builder, string recipient, RecipientDsn dsn)
    {
        if (dsn.Notify == NotifyConditions.None && dsn.OriginalRecipient is null)
        {
            return;
        }

        builder.Append(RecipientParametersField).Append(": <").Append(recipient).Append('>');
        if (dsn.Notify != NotifyConditions.None)
        {
            builder.Append(" NOTIFY=").Append(DsnText.Notify(dsn.Notify));
        }

        if (dsn.OriginalRecipient is { } original)
        {
            builder.Append(" ORCPT=").Append(DsnText.OriginalRecipient(original));
        }

        builder.Append("\r\n");
    }
}
