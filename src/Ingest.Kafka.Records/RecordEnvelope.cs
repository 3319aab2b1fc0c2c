using System.Globalization;
using System.Net;

namespace Ingest.Kafka.Records;

/// <summary>
/// The SMTP envelope as it travels in the headers of a message's first record. For a message routed
/// to several topics, <see cref="Recipients"/> holds only the recipients routed to this record's topic.
/// </summary>
public sealed class RecordEnvelope
{
    /// <summary>The message id (32 lower-case hex digits), as in the Received: header and the 250 reply.</summary>
    public required string MessageId { get; init; }

    /// <summary>MAIL FROM mailbox; empty for the null reverse-path.</summary>
    public required string ReversePath { get; init; }

    /// <summary>RCPT TO mailboxes routed to this record's topic, in RCPT order.</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The HELO or EHLO argument.</summary>
    public required string HeloName { get; init; }

    /// <summary>The client's address, when known (an IPv4-mapped IPv6 address is given as IPv4).</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>The client's port, when known.</summary>
    public int? ClientPort { get; init; }

    /// <summary>When the body started to arrive; also the date of the Received: header.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The gateway instance that accepted the message.</summary>
    public required string Gateway { get; init; }

    /// <summary>SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA or their UTF8SMTP forms (RFC 3848, RFC 6531).</summary>
    public required string Protocol { get; init; }

    /// <summary>BODY=8BITMIME was declared (RFC 6152).</summary>
    public bool EightBitMime { get; init; }

    /// <summary>BODY=BINARYMIME was declared (RFC 3030 3): the message may hold any octet, and was taken untouched.</summary>
    public bool BinaryMime { get; init; }

    /// <summary>MAIL carried REQUIRETLS (RFC 8689 4): relay the message onward over TLS only, and keep the requirement.</summary>
    public bool RequireTls { get; init; }

    /// <summary>MAIL RET= (RFC 3461 4.3): "FULL" or "HDRS"; null when not given.</summary>
    public string? Return { get; init; }

    /// <summary>MAIL ENVID= (RFC 3461 4.4), decoded: a DSN's Original-Envelope-Id; null when not given.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>
    /// Each recipient's NOTIFY= and ORCPT= (RFC 3461 4.1, 4.2), in step with <see cref="Recipients"/>;
    /// null when no recipient of this record had any.
    /// </summary>
    public IReadOnlyList<RecordRecipientDsn>? RecipientDsn { get; init; }

    /// <summary>SMTPUTF8 was declared (RFC 6531).</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>SIZE= as the client declared it (RFC 1870), when it did.</summary>
    public ulong? DeclaredSize { get; init; }

    /// <summary>TLS protocol and cipher suite, space-separated ("TLSv1.3 TLS_AES_256_GCM_SHA384"), when the session was encrypted.</summary>
    public string? Tls { get; init; }

    /// <summary>The SASL user name, when the client authenticated (RFC 4954).</summary>
    public string? Auth { get; init; }

    /// <summary>W3C traceparent of the gateway's delivery span, when tracing was on: continue the trace from it.</summary>
    public string? TraceParent { get; init; }

    /// <summary>W3C tracestate that went with <see cref="TraceParent"/>, if any.</summary>
    public string? TraceState { get; init; }

    /// <summary>Reads the envelope from a first record's headers; null when a required field is missing or malformed.</summary>
    public static RecordEnvelope? Parse(ConsumedRecord record, string messageId) =>
        RecordMetadata.Read(record) is { } metadata ? Parse(metadata, messageId) : null;

    /// <summary>Reads the envelope from a first record's fields; null when a required field is missing or malformed.</summary>
    public static RecordEnvelope? Parse(RecordMetadata metadata, string messageId)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var from = metadata.Field(RecordFields.ReversePath);
        var helo = metadata.Field(RecordFields.Helo);
        var receivedText = metadata.Field(RecordFields.ReceivedAt);
        var gateway = metadata.Field(RecordFields.Gateway);
        var protocol = metadata.Field(RecordFields.Protocol);
        if (from is null || helo is null || receivedText is null || gateway is null || protocol is null
            || !DateTimeOffset.TryParseExact(receivedText, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var receivedAt))
        {
            return null;
        }

        IPAddress? address = null;
        if (metadata.Field(RecordFields.ClientAddress) is { } addressText && !IPAddress.TryParse(addressText, out address))
        {
            return null;
        }

        var recipients = metadata.Fields(RecordFields.Recipient);
        return new RecordEnvelope
        {
            MessageId = messageId,
            ReversePath = from,
            Recipients = recipients,
            Return = metadata.Field(RecordFields.Return),
            EnvelopeId = metadata.Field(RecordFields.EnvelopeId),
            RecipientDsn = RecordRecipientDsn.Read(metadata, recipients.Count),
            HeloName = helo,
            ClientAddress = address,
            ClientPort = metadata.Number(RecordFields.ClientPort) is { } port and <= ushort.MaxValue ? (int)port : null,
            ReceivedAt = receivedAt,
            Gateway = gateway,
            Protocol = protocol,
            EightBitMime = metadata.Field(RecordFields.EightBitMime) is not null,
            BinaryMime = metadata.Field(RecordFields.BinaryMime) is not null,
            RequireTls = metadata.Field(RecordFields.RequireTls) is not null,
            SmtpUtf8 = metadata.Field(RecordFields.SmtpUtf8) is not null,
            DeclaredSize = metadata.Number(RecordFields.DeclaredSize),
            Tls = metadata.Field(RecordFields.Tls),
            Auth = metadata.Field(RecordFields.Auth),
            TraceParent = metadata.Field(RecordFields.TraceParent),
            TraceState = metadata.Field(RecordFields.TraceState),
        };
    }
}
