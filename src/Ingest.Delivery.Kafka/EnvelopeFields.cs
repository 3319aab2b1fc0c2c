using System.Globalization;
using Ingest.Kafka.Records;

namespace Ingest.Delivery.Kafka;

/// <summary>
/// The envelope as the packed fields of a message's first record (docs/record-format.md, version
/// 2), built once per message and topic and copied into the record's one field header.
/// </summary>
internal static class EnvelopeFields
{
    [ThreadStatic]
    private static RecordFieldWriter? _writer;

    /// <param name="positions">Where each of <paramref name="recipients"/> stands in the envelope's list; null when they are that list.</param>
    public static byte[] Build(MessageEnvelope envelope, IReadOnlyList<string> recipients, string gateway, IReadOnlyList<int>? positions = null)
    {
        var fields = _writer ??= new RecordFieldWriter(1024);
        fields.Clear();
        fields.Add(RecordFields.ReversePath, envelope.ReversePath);
        foreach (var recipient in recipients)
        {
            fields.Add(RecordFields.Recipient, recipient);
        }

        fields.Add(RecordFields.Helo, envelope.HeloName);
        if (envelope.ClientEndPoint is { } client)
        {
            var address = client.Address.IsIPv4MappedToIPv6 ? client.Address.MapToIPv4() : client.Address;
            Span<char> text = stackalloc char[64];
            fields.Add(RecordFields.ClientAddress, address.TryFormat(text, out var written) ? text[..written] : address.ToString());
            fields.Add(RecordFields.ClientPort, client.Port);
        }

        Span<char> time = stackalloc char[40];
        envelope.ReceivedAt.ToUniversalTime().TryFormat(time, out var timeLength, "O", CultureInfo.InvariantCulture);
        fields.Add(RecordFields.ReceivedAt, time[..timeLength]);
        fields.Add(RecordFields.Gateway, gateway);
        fields.Add(RecordFields.Protocol, envelope.Protocol);
        if (envelope.EightBitMime)
        {
            fields.Add(RecordFields.EightBitMime, "1"u8);
        }

        if (envelope.BinaryMime)
        {
            fields.Add(RecordFields.BinaryMime, "1"u8);
        }

        if (envelope.RequireTls)
        {
            fields.Add(RecordFields.RequireTls, "1"u8);
        }

        if (DsnText.Return(envelope.DsnReturn) is { } ret)
        {
            fields.Add(RecordFields.Return, ret);
        }

        if (envelope.EnvelopeId is { } envelopeId)
        {
            fields.Add(RecordFields.EnvelopeId, envelopeId);
        }

        if (envelope.RecipientDsn is { } dsn)
        {
            RecipientDsnFields(fields, dsn, recipients.Count, positions);
        }

        if (envelope.SmtpUtf8)
        {
            fields.Add(RecordFields.SmtpUtf8, "1"u8);
        }

        if (envelope.DeclaredSize is { } size)
        {
            fields.Add(RecordFields.DeclaredSize, (long)Math.Min(size, long.MaxValue));
        }

        // "TLSv1.3 TLS_AES_256_GCM_SHA384": protocol and cipher suite, space-separated.
        if (envelope.TlsProtocol is { } tlsProtocol)
        {
            fields.Add(RecordFields.Tls, $"{tlsProtocol} {envelope.TlsCipher}");
        }

        if (envelope.AuthenticatedUser is { } user)
        {
            fields.Add(RecordFields.Auth, user);
        }

        // The delivery span's context: a consumer's span continues the same trace.
        if (envelope.TraceParent is { } traceParent)
        {
            fields.Add(RecordFields.TraceParent, traceParent);
            if (!string.IsNullOrEmpty(envelope.TraceState))
            {
                fields.Add(RecordFields.TraceState, envelope.TraceState);
            }
        }

        return fields.ToArray();
    }

    /// <summary>
    /// "rcpt-notify" and "rcpt-orcpt" fields, each "&lt;n&gt; &lt;value&gt;" with n the 0-based position among
    /// this record's "rcpt" fields (docs/record-format.md), only for recipients that had them.
    /// </summary>
    private static void RecipientDsnFields(RecordFieldWriter fields, IReadOnlyList<RecipientDsn> dsn, int count, IReadOnlyList<int>? positions)
    {
        for (var n = 0; n < count; n++)
        {
            var position = positions?[n] ?? n;
            if (position >= dsn.Count)
            {
                continue;
            }

            var recipient = dsn[position];
            if (recipient.Notify != NotifyConditions.None)
            {
                fields.Add(RecordFields.RecipientNotify, string.Create(CultureInfo.InvariantCulture, $"{n} {DsnText.Notify(recipient.Notify)}"));
            }

            if (recipient.OriginalRecipient is { } original)
            {
                fields.Add(RecordFields.RecipientOriginal, string.Create(CultureInfo.InvariantCulture, $"{n} {original}"));
            }
        }
    }
}
