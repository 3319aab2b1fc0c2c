using System.Net;

namespace Ingest.Delivery;

/// <summary>The SMTP envelope of one message, created once per transaction.</summary>
public sealed class MessageEnvelope
{
    /// <summary>Unique id, also in the Received header and the 250 reply.</summary>
    public required string MessageId { get; init; }

    /// <summary>MAIL FROM mailbox; empty for the null reverse-path "&lt;&gt;" (RFC 5321 4.5.5).</summary>
    public required string ReversePath { get; init; }

    /// <summary>Accepted RCPT TO mailboxes, in order.</summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The HELO/EHLO argument.</summary>
    public required string HeloName { get; init; }

    public IPEndPoint? ClientEndPoint { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>RFC 5321 4.4 / RFC 3848 / RFC 6531 protocol name, e.g. ESMTP or UTF8SMTP.</summary>
    public required string Protocol { get; init; }

    /// <summary>BODY=8BITMIME was declared (RFC 6152).</summary>
    public bool EightBitMime { get; init; }

    /// <summary>BODY=BINARYMIME was declared (RFC 3030 3): the body came by BDAT and may hold any octet; it is passed on untouched.</summary>
    public bool BinaryMime { get; init; }

    /// <summary>
    /// MAIL ... REQUIRETLS was given (RFC 8689 4), over TLS: whoever relays the message onward must
    /// do so over TLS only, and keep the requirement.
    /// </summary>
    public bool RequireTls { get; init; }

    /// <summary>MAIL RET= (RFC 3461 4.3): what a failure DSN should carry of the message.</summary>
    public ReturnContent DsnReturn { get; init; }

    /// <summary>MAIL ENVID= decoded (RFC 3461 4.4), for a DSN's Original-Envelope-Id; null when not given.</summary>
    public string? EnvelopeId { get; init; }

    /// <summary>
    /// Each recipient's NOTIFY= and ORCPT= (RFC 3461 4.1, 4.2), in step with <see cref="Recipients"/>
    /// (<see cref="Delivery.RecipientDsn.None"/> for one without); null when no recipient had any.
    /// </summary>
    public IReadOnlyList<RecipientDsn>? RecipientDsn { get; init; }

    /// <summary>SMTPUTF8 was declared (RFC 6531).</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>SIZE= as declared by the client (RFC 1870), if any.</summary>
    public ulong? DeclaredSize { get; init; }

    /// <summary>TLS protocol of the session, e.g. TLSv1.3; null when the message came in unencrypted.</summary>
    public string? TlsProtocol { get; init; }

    /// <summary>IANA name of the negotiated cipher suite, e.g. TLS_AES_256_GCM_SHA384.</summary>
    public string? TlsCipher { get; init; }

    /// <summary>The SASL identity the client authenticated as (RFC 4954); null when it did not.</summary>
    public string? AuthenticatedUser { get; init; }

    /// <summary>W3C traceparent of the delivery span, when tracing is on; sinks pass it on to consumers.</summary>
    public string? TraceParent { get; init; }

    /// <summary>W3C tracestate to go with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; }

    /// <summary>
    /// Sender authentication verdicts, when verification is on: set by the session at the end of
    /// the data, before <see cref="IMessageWriter.CompleteAsync"/>, the one late part of the envelope.
    /// </summary>
    public AuthenticationVerdicts? Authentication { get; set; }
}
