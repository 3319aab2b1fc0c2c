namespace Ingest.Kafka.Records;

/// <summary>
/// The fields of a version 2 record, packed into its <see cref="RecordHeaders.Record"/> header as
/// UTF-8 "name=value" lines separated by LF (docs/record-format.md). In a value, '%', CR and LF are
/// written as %25, %0D and %0A; nothing else is escaped. A name may repeat (one "rcpt" per
/// recipient, in RCPT order). Consumers ignore names they do not know.
/// </summary>
public static class RecordFields
{
    // Every record.
    public const string Kind = "kind";

    // Chunk, final and abort records: the 0-based position of the record in its message.
    public const string Sequence = "seq";

    // The envelope, on the first record of a message (whole, or chunk 0).
    public const string ReversePath = "from";
    public const string Recipient = "rcpt";
    public const string Helo = "helo";
    public const string ClientAddress = "client-ip";
    public const string ClientPort = "client-port";
    public const string ReceivedAt = "received-at";
    public const string Gateway = "gateway";
    public const string Protocol = "protocol";
    public const string EightBitMime = "8bitmime";
    public const string SmtpUtf8 = "smtputf8";
    public const string DeclaredSize = "size";
    public const string Tls = "tls";
    public const string Auth = "auth";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    // Whole and final records: what closes the message.
    public const string Chunks = "chunks";
    public const string Length = "length";

    /// <summary>XXH3 128-bit hash of the whole value, 32 lower-case hex digits in its canonical (big-endian) form.</summary>
    public const string XxHash128 = "xxh128";

    /// <summary>Between fields.</summary>
    public const byte FieldSeparator = (byte)'\n';

    /// <summary>Between a name and its value.</summary>
    public const byte ValueSeparator = (byte)'=';
}
