using System.Globalization;
using System.Net;

namespace Ingest.Kafka.Records;

/// <summary>
/// The SMTP envelope as it travels in the headers of a message's first record. For a message routed
/// to several topics, <see cref="Recipients"/> holds only the recipients routed to this record's topic.
/// </summary>
public sealed class RecordEnvelope
{
    public required string MessageId { get; init; }

    /// <summary>MAIL FROM mailbox; empty for the null reverse-path.</summary>
    public required string ReversePath { get; init; }

    public required IReadOnlyList<string> Recipients { get; init; }

    public required string HeloName { get; init; }

    public IPAddress? ClientAddress { get; init; }

    public int? ClientPort { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The gateway instance that accepted the message.</summary>
    public required string Gateway { get; init; }

    public required string Protocol { get; init; }

    public bool EightBitMime { get; init; }

    public bool SmtpUtf8 { get; init; }

    public ulong? DeclaredSize { get; init; }

    public string? Tls { get; init; }

    public string? Auth { get; init; }

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

        return new RecordEnvelope
        {
            MessageId = messageId,
            ReversePath = from,
            Recipients = metadata.Fields(RecordFields.Recipient),
            HeloName = helo,
            ClientAddress = address,
            ClientPort = metadata.Number(RecordFields.ClientPort) is { } port and <= ushort.MaxValue ? (int)port : null,
            ReceivedAt = receivedAt,
            Gateway = gateway,
            Protocol = protocol,
            EightBitMime = metadata.Field(RecordFields.EightBitMime) is not null,
            SmtpUtf8 = metadata.Field(RecordFields.SmtpUtf8) is not null,
            DeclaredSize = metadata.Number(RecordFields.DeclaredSize),
            Tls = metadata.Field(RecordFields.Tls),
            Auth = metadata.Field(RecordFields.Auth),
            TraceParent = metadata.Field(RecordFields.TraceParent),
            TraceState = metadata.Field(RecordFields.TraceState),
        };
    }
}
