namespace Ingest.Kafka.Records;

/// <summary>
/// Kafka header names of the record format (docs/record-format.md). Version 2 writes two headers on
/// every record: <see cref="Version"/> and <see cref="Record"/>, which packs every other field (see
/// <see cref="RecordFields"/>). The other names are version 1's one-header-per-field layout, still
/// read by the <see cref="Reassembler"/>. Names are lower case with an "ingest-" prefix so they
/// cannot collide with a producer's or a tracing library's own headers.
/// </summary>
public static class RecordHeaders
{
    // On every record, in every version.
    /// <summary>Every record, every version: the format version, "2" (or "1").</summary>
    public const string Version = "ingest-version";

    // Version 2: the record's fields, "name=value" lines (RecordFields).
    /// <summary>Version 2, every record: every other field, packed as "name=value" lines (<see cref="RecordFields"/>).</summary>
    public const string Record = "ingest-record";

    // Version 1 only, from here on.
    /// <summary>Version 1, every record: "whole", "chunk", "final" or "abort" (<see cref="RecordKinds"/>).</summary>
    public const string Kind = "ingest-kind";

    /// <summary>Version 1, every record: the message id, also the record key.</summary>
    public const string MessageId = "ingest-id";

    /// <summary>Version 1, chunk, final and abort records: the 0-based position of the record in its message.</summary>
    public const string Sequence = "ingest-seq";

    // The envelope, on the first record of a message (whole, or chunk 0).
    /// <summary>Version 1 envelope: the MAIL FROM mailbox without angle brackets; empty for the null reverse-path.</summary>
    public const string ReversePath = "ingest-from";

    /// <summary>Version 1 envelope: one header per RCPT TO mailbox routed to the topic, in RCPT order.</summary>
    public const string Recipient = "ingest-rcpt";

    /// <summary>Version 1 envelope: the HELO or EHLO argument.</summary>
    public const string Helo = "ingest-helo";

    /// <summary>Version 1 envelope: the client's IP address, when known.</summary>
    public const string ClientAddress = "ingest-client-ip";

    /// <summary>Version 1 envelope: the client's port, when known.</summary>
    public const string ClientPort = "ingest-client-port";

    /// <summary>Version 1 envelope: when the body started, ISO 8601 UTC with 7 fractional digits.</summary>
    public const string ReceivedAt = "ingest-received-at";

    /// <summary>Version 1 envelope: the gateway instance that accepted the message.</summary>
    public const string Gateway = "ingest-gateway";

    /// <summary>Version 1 envelope: the protocol as in the Received: header (RFC 3848, RFC 6531).</summary>
    public const string Protocol = "ingest-protocol";

    /// <summary>Version 1 envelope: "1" when BODY=8BITMIME was declared; absent otherwise.</summary>
    public const string EightBitMime = "ingest-8bitmime";

    /// <summary>Version 1 envelope: "1" when SMTPUTF8 was declared; absent otherwise.</summary>
    public const string SmtpUtf8 = "ingest-smtputf8";

    /// <summary>Version 1 envelope: SIZE= as declared by the client, when given.</summary>
    public const string DeclaredSize = "ingest-size";

    // Written only when present: "TLSv1.3 TLS_AES_256_GCM_SHA384", and the SASL identity (RFC 4954).
    /// <summary>Version 1 envelope, when the session was encrypted: TLS protocol and cipher suite, space-separated.</summary>
    public const string Tls = "ingest-tls";

    /// <summary>Version 1 envelope, when the client authenticated: the SASL user name.</summary>
    public const string Auth = "ingest-auth";

    // W3C Trace Context (https://www.w3.org/TR/trace-context/), under the names tracing libraries
    // look for, so a consumer continues the gateway's trace. With the envelope, when tracing is on.
    /// <summary>Version 1 envelope, when tracing is on: W3C traceparent of the gateway's delivery span.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>Version 1 envelope, when tracing is on and there is one: W3C tracestate.</summary>
    public const string TraceState = "tracestate";

    // Whole and final records: what closes the message.
    /// <summary>Version 1, whole and final records: the number of records carrying the value (1 for whole).</summary>
    public const string Chunks = "ingest-chunks";

    /// <summary>Version 1, whole and final records: the total value length in bytes.</summary>
    public const string Length = "ingest-length";

    /// <summary>Version 1, whole and final records: SHA-256 of the whole value, 64 lower-case hex digits.</summary>
    public const string Sha256 = "ingest-sha256";

    /// <summary>The version 1 header that carried what version 2 calls field <paramref name="field"/>.</summary>
    internal static string ForField(string field) => field switch
    {
        RecordFields.TraceParent => TraceParent,
        RecordFields.TraceState => TraceState,
        _ => "ingest-" + field,
    };
}
