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
    public const string Version = "ingest-version";

    // Version 2: the record's fields, "name=value" lines (RecordFields).
    public const string Record = "ingest-record";

    // Version 1 only, from here on.
    public const string Kind = "ingest-kind";
    public const string MessageId = "ingest-id";

    // Chunk, final and abort records: the 0-based position of the record in its message.
    public const string Sequence = "ingest-seq";

    // The envelope, on the first record of a message (whole, or chunk 0).
    public const string ReversePath = "ingest-from";
    public const string Recipient = "ingest-rcpt";
    public const string Helo = "ingest-helo";
    public const string ClientAddress = "ingest-client-ip";
    public const string ClientPort = "ingest-client-port";
    public const string ReceivedAt = "ingest-received-at";
    public const string Gateway = "ingest-gateway";
    public const string Protocol = "ingest-protocol";
    public const string EightBitMime = "ingest-8bitmime";
    public const string SmtpUtf8 = "ingest-smtputf8";
    public const string DeclaredSize = "ingest-size";

    // Written only when present: "TLSv1.3 TLS_AES_256_GCM_SHA384", and the SASL identity (RFC 4954).
    public const string Tls = "ingest-tls";
    public const string Auth = "ingest-auth";

    // W3C Trace Context (https://www.w3.org/TR/trace-context/), under the names tracing libraries
    // look for, so a consumer continues the gateway's trace. With the envelope, when tracing is on.
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    // Whole and final records: what closes the message.
    public const string Chunks = "ingest-chunks";
    public const string Length = "ingest-length";
    public const string Sha256 = "ingest-sha256";

    /// <summary>The version 1 header that carried what version 2 calls field <paramref name="field"/>.</summary>
    internal static string ForField(string field) => field switch
    {
        RecordFields.TraceParent => TraceParent,
        RecordFields.TraceState => TraceState,
        _ => "ingest-" + field,
    };
}
