using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;

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

    /// <summary>Reads the envelope from a first record's headers; null when a required header is missing or malformed.</summary>
    public static RecordEnvelope? Parse(ConsumedRecord record, string messageId)
    {
        var from = Text(record, RecordHeaders.ReversePath);
        var helo = Text(record, RecordHeaders.Helo);
        var receivedText = Text(record, RecordHeaders.ReceivedAt);
        var gateway = Text(record, RecordHeaders.Gateway);
        var protocol = Text(record, RecordHeaders.Protocol);
        if (from is null || helo is null || receivedText is null || gateway is null || protocol is null
            || !DateTimeOffset.TryParseExact(receivedText, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var receivedAt))
        {
            return null;
        }

        var recipients = new List<string>();
        foreach (var header in record.Headers)
        {
            if (string.Equals(header.Key, RecordHeaders.Recipient, StringComparison.Ordinal))
            {
                recipients.Add(Encoding.UTF8.GetString(header.Value));
            }
        }

        IPAddress? address = null;
        if (Text(record, RecordHeaders.ClientAddress) is { } addressText && !IPAddress.TryParse(addressText, out address))
        {
            return null;
        }

        return new RecordEnvelope
        {
            MessageId = messageId,
            ReversePath = from,
            Recipients = recipients,
            HeloName = helo,
            ClientAddress = address,
            ClientPort = Number(record, RecordHeaders.ClientPort) is { } port ? (int)port : null,
            ReceivedAt = receivedAt,
            Gateway = gateway,
            Protocol = protocol,
            EightBitMime = record.Header(RecordHeaders.EightBitMime) is not null,
            SmtpUtf8 = record.Header(RecordHeaders.SmtpUtf8) is not null,
            DeclaredSize = Number(record, RecordHeaders.DeclaredSize),
            Tls = Text(record, RecordHeaders.Tls),
            Auth = Text(record, RecordHeaders.Auth),
            TraceParent = Text(record, RecordHeaders.TraceParent),
            TraceState = Text(record, RecordHeaders.TraceState),
        };
    }

    internal static string? Text(ConsumedRecord record, string name) =>
        record.Header(name) is { } value ? Encoding.UTF8.GetString(value) : null;

    internal static ulong? Number(ConsumedRecord record, string name) =>
        record.Header(name) is { } value && Utf8Parser.TryParse(value, out ulong number, out var consumed) && consumed == value.Length
            ? number
            : null;
}
