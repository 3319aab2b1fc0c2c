namespace Ingest.Session;

/// <summary>What an <see cref="IRecipientPolicy"/> decided about one RCPT.</summary>
public enum RecipientVerdict : byte
{
    /// <summary>250 2.1.5.</summary>
    Accepted,

    /// <summary>Not a domain the gateway accepts mail for: 550 5.7.1 (RFC 5321 7.1).</summary>
    RelayDenied,

    /// <summary>A domain the gateway serves, but no such mailbox: 550 5.1.1 (RFC 3463 X.1.1).</summary>
    UnknownRecipient,

    /// <summary>The recipient source could not answer now: 451 4.4.3 (RFC 3463 X.4.3).</summary>
    TemporaryFailure,

    /// <summary>Not decidable from memory: the session asks <see cref="IRecipientPolicy.CheckAsync"/>.</summary>
    Lookup,
}
