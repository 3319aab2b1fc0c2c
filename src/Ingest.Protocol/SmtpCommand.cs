namespace Ingest.Protocol;

/// <summary>
/// One parsed command line. A ref struct: its spans point into the connection's buffer and must be
/// used before that buffer is released (STYLE rule 1).
/// </summary>
public readonly ref struct SmtpCommand
{
    public SmtpVerb Verb { get; init; }

    /// <summary>Why the line cannot be executed; <see cref="Rejection.None"/> when it can.</summary>
    public Rejection Rejection { get; init; }

    /// <summary>
    /// HELO/EHLO: the domain or address literal. MAIL/RCPT: the mailbox, empty for "&lt;&gt;".
    /// AUTH: the initial response as sent (base64 or "="), empty when none was given.
    /// </summary>
    public ReadOnlySpan<byte> Argument { get; init; }

    /// <summary>MAIL/RCPT: the mailbox holds UTF-8 (RFC 6531).</summary>
    public bool ArgumentIsNonAscii { get; init; }

    /// <summary>AUTH: the SASL mechanism named.</summary>
    public SaslMechanism Mechanism { get; init; }

    /// <summary>MAIL/RCPT: ESMTP parameters were present (only legal after EHLO, RFC 5321 4.1.1.11). AUTH: an initial response was given.</summary>
    public bool HasParameters { get; init; }

    public MailParameters Mail { get; init; }

    /// <summary>MAIL: the ENVID= value as sent, xtext (RFC 3461 4.4), already checked; empty when none.</summary>
    public ReadOnlySpan<byte> EnvelopeId { get; init; }

    /// <summary>RCPT: NOTIFY= (RFC 3461 4.1); None when not given.</summary>
    public DsnNotify Notify { get; init; }

    /// <summary>RCPT: the addr-type of ORCPT= (RFC 3461 4.2), e.g. "rfc822" or "utf-8"; empty when none.</summary>
    public ReadOnlySpan<byte> OriginalRecipientType { get; init; }

    /// <summary>RCPT: the ORCPT= address as sent: xtext, or for "utf-8" unitext (RFC 6533 3); already checked.</summary>
    public ReadOnlySpan<byte> OriginalRecipient { get; init; }

    /// <summary>RCPT: the ORCPT= address holds raw UTF-8 (RFC 6533 utf-8-addr-unitext), legal only with SMTPUTF8.</summary>
    public bool OriginalRecipientIsNonAscii { get; init; }

    /// <summary>BDAT: the chunk size in octets (RFC 3030 2).</summary>
    public long ChunkSize { get; init; }

    public bool IsLastChunk { get; init; }

    public bool IsValid => Rejection == Rejection.None;
}
