namespace Ingest.Protocol;

/// <summary>
/// Every reason the gateway refuses something. Protocol errors are data: this enum is mapped to
/// reply code, enhanced status code (RFC 3463) and text in exactly one place, <see cref="Replies"/>.
/// </summary>
public enum Rejection : byte
{
    None,

    // Framing and command syntax.
    UnrecognizedCommand,
    LineTooLong,
    BareLineFeedInCommand,
    InvalidArguments,
    ArgumentsNotAllowed,
    InvalidDomain,
    NotImplemented,

    // Paths and parameters (RFC 5321 4.1.2, 4.5.3.1; RFC 1870; RFC 6152; RFC 6531).
    BadSenderSyntax,
    BadRecipientSyntax,
    SenderPathTooLong,
    RecipientPathTooLong,
    UnknownParameter,
    DuplicateParameter,
    InvalidParameterValue,
    NonAsciiAddressNeedsSmtpUtf8,
    DeclaredSizeTooBig,

    // Sequence (RFC 5321 4.1.4, RFC 3030 2).
    NeedHelo,
    NestedMail,
    NeedMail,
    NeedRecipient,
    NoValidRecipients,
    DataAfterBdat,
    DataWithBinaryMime,
    ChunkingNotNegotiated,
    NoTransaction,
    BadSequence,

    // Limits and session end.
    TooManyRecipients,
    TooManyTransactions,
    TooManyErrors,
    Timeout,
    ShuttingDown,
    TooManyConnections,
    TooManyConnectionsFromClient,
    ConnectionRateExceeded,
    UnframeableBdat,

    // Acceptance policy (RFC 5321 3.6.2, 4.3.1, 7.1).
    RelayDenied,
    EarlyTalker,

    // TLS (RFC 3207) and AUTH (RFC 4954).
    TlsAlreadyActive,
    PlaintextAfterStartTls,
    TlsRequired,
    RequireTlsWithoutTls,
    UnsupportedAuthMechanism,
    AlreadyAuthenticated,
    AuthDuringTransaction,
    EncryptionRequiredForAuth,
    AuthCancelled,
    AuthResponseInvalid,
    AuthFailed,
    AuthTemporaryFailure,
    AuthThrottled,
    TooManyAuthFailures,

    // Recipients (RFC 5321 3.6.2, RFC 3463 X.1.1, X.4.3).
    UnknownRecipient,
    TooManyUnknownRecipients,
    RecipientLookupFailed,

    // Sender authentication policy (RFC 7208, RFC 7372, RFC 7489).
    SpfFailed,
    SpfTemporaryError,
    DmarcRejected,
    AuthenticationTemporaryError,

    // Message content and delivery.
    MessageTooBig,
    BareLineEndingInData,
    DeliveryTemporaryFailure,
    DeliveryPermanentFailure,
    DeliveryMisconfigured,
}
