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
    /// <summary>Every record: "whole", "chunk", "final" or "abort" (<see cref="RecordKinds"/>).</summary>
    public const string Kind = "kind";

    /// <summary>Chunk, final and abort records: the 0-based position of the record in its message.</summary>
    public const string Sequence = "seq";

    // The envelope, on the first record of a message (whole, or chunk 0).
    /// <summary>Envelope: the MAIL FROM mailbox without angle brackets; empty for the null reverse-path.</summary>
    public const string ReversePath = "from";

    /// <summary>Envelope: one field per RCPT TO mailbox routed to the topic, in RCPT order.</summary>
    public const string Recipient = "rcpt";

    /// <summary>Envelope: the HELO or EHLO argument.</summary>
    public const string Helo = "helo";

    /// <summary>Envelope: the client's IP address, when known.</summary>
    public const string ClientAddress = "client-ip";

    /// <summary>Envelope: the client's port, when known.</summary>
    public const string ClientPort = "client-port";

    /// <summary>Envelope: when the body started, ISO 8601 UTC with 7 fractional digits.</summary>
    public const string ReceivedAt = "received-at";

    /// <summary>Envelope: the gateway instance that accepted the message.</summary>
    public const string Gateway = "gateway";

    /// <summary>Envelope: the protocol as in the Received: header (RFC 3848, RFC 6531).</summary>
    public const string Protocol = "protocol";

    /// <summary>Envelope: "1" when BODY=8BITMIME was declared; absent otherwise.</summary>
    public const string EightBitMime = "8bitmime";

    /// <summary>Envelope: "1" when BODY=BINARYMIME was declared (RFC 3030 3): the value may hold any octet; absent otherwise.</summary>
    public const string BinaryMime = "binarymime";

    /// <summary>Envelope: "1" when MAIL carried REQUIRETLS (RFC 8689 4): relay the message onward over TLS only; absent otherwise.</summary>
    public const string RequireTls = "requiretls";

    /// <summary>Envelope: MAIL RET= (RFC 3461 4.3), "FULL" or "HDRS", when given.</summary>
    public const string Return = "ret";

    /// <summary>Envelope: MAIL ENVID= (RFC 3461 4.4), xtext decoded, when given.</summary>
    public const string EnvelopeId = "envid";

    /// <summary>
    /// Envelope: a recipient's NOTIFY= (RFC 3461 4.1) as "&lt;n&gt; &lt;value&gt;", n the 0-based position of its
    /// "rcpt" field in this record, the value "NEVER" or SUCCESS, FAILURE and DELAY comma-separated.
    /// </summary>
    public const string RecipientNotify = "rcpt-notify";

    /// <summary>
    /// Envelope: a recipient's ORCPT= (RFC 3461 4.2, RFC 6533 3) as "&lt;n&gt; &lt;addr-type&gt;;&lt;address&gt;", the
    /// address decoded (UTF-8 for the utf-8 type), n as for <see cref="RecipientNotify"/>.
    /// </summary>
    public const string RecipientOriginal = "rcpt-orcpt";

    /// <summary>Envelope: "1" when SMTPUTF8 was declared; absent otherwise.</summary>
    public const string SmtpUtf8 = "smtputf8";

    /// <summary>Envelope: SIZE= as declared by the client, when given.</summary>
    public const string DeclaredSize = "size";

    /// <summary>Envelope, when the session was encrypted: TLS protocol and cipher suite, space-separated.</summary>
    public const string Tls = "tls";

    /// <summary>Envelope, when the client authenticated: the SASL user name.</summary>
    public const string Auth = "auth";

    /// <summary>Envelope, when tracing is on: W3C traceparent of the gateway's delivery span.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>Envelope, when tracing is on and there is one: W3C tracestate.</summary>
    public const string TraceState = "tracestate";

    /// <summary>
    /// Whole and final records, when the gateway verifies senders (issue 15): the SPF verdict as
    /// "&lt;result&gt; &lt;domain&gt;", e.g. "pass example.org" (docs/record-format.md).
    /// </summary>
    public const string Spf = "spf";

    /// <summary>Whole and final records: one field per DKIM signature, "&lt;result&gt; &lt;d&gt; &lt;s&gt; &lt;a&gt;".</summary>
    public const string Dkim = "dkim";

    /// <summary>Whole and final records: the DMARC verdict, "&lt;result&gt; &lt;From domain&gt; &lt;policy&gt;".</summary>
    public const string Dmarc = "dmarc";

    /// <summary>
    /// Final records only: the Authentication-Results field, to put in front of the joined chunk
    /// values (it was known only after the first chunk had gone out). Not covered by length and hash.
    /// </summary>
    public const string Prefix = "prefix";

    // Whole and final records: what closes the message.
    /// <summary>Whole and final records: the number of records carrying the value (1 for whole).</summary>
    public const string Chunks = "chunks";

    /// <summary>Whole and final records: the total value length in bytes.</summary>
    public const string Length = "length";

    /// <summary>XXH3 128-bit hash of the whole value, 32 lower-case hex digits in its canonical (big-endian) form.</summary>
    public const string XxHash128 = "xxh128";

    /// <summary>Between fields.</summary>
    public const byte FieldSeparator = (byte)'\n';

    /// <summary>Between a name and its value.</summary>
    public const byte ValueSeparator = (byte)'=';
}
