namespace Ingest.Protocol;

/// <summary>
/// The one place where reasons become replies. Every reply carries an RFC 3463 enhanced status
/// code except the greeting, the HELO/EHLO replies and 3xx intermediates (RFC 2034 3).
/// The texts never contain client bytes (STYLE rule 6).
/// </summary>
public static class Replies
{
    public static ReadOnlySpan<byte> Ok => "250 2.0.0 OK\r\n"u8;
    public static ReadOnlySpan<byte> SenderOk => "250 2.1.0 Sender OK\r\n"u8;
    public static ReadOnlySpan<byte> RecipientOk => "250 2.1.5 Recipient OK\r\n"u8;
    public static ReadOnlySpan<byte> StartMailInput => "354 Start mail input; end with <CRLF>.<CRLF>\r\n"u8;
    public static ReadOnlySpan<byte> Bye => "221 2.0.0 Bye\r\n"u8;
    public static ReadOnlySpan<byte> Help => "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP\r\n"u8;

    // RFC 3207 4: the reply after which the client starts the TLS handshake.
    public static ReadOnlySpan<byte> ReadyToStartTls => "220 2.0.0 Ready to start TLS\r\n"u8;

    // RFC 4954 4, 6: success, and the 334 continuations (LOGIN's prompts are base64 "Username:"
    // and "Password:", as every LOGIN client expects; PLAIN's is empty).
    public static ReadOnlySpan<byte> AuthSucceeded => "235 2.7.0 Authentication successful\r\n"u8;
    public static ReadOnlySpan<byte> AuthEmptyChallenge => "334 \r\n"u8;
    public static ReadOnlySpan<byte> AuthUserNamePrompt => "334 VXNlcm5hbWU6\r\n"u8;
    public static ReadOnlySpan<byte> AuthPasswordPrompt => "334 UGFzc3dvcmQ6\r\n"u8;

    // RFC 5321 3.5.3: a server that does not verify answers 252.
    public static ReadOnlySpan<byte> CannotVerify => "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery\r\n"u8;

    public static ReadOnlySpan<byte> For(Rejection rejection) => rejection switch
    {
        Rejection.UnrecognizedCommand => "500 5.5.1 Command unrecognized\r\n"u8,
        // IANA registers X.5.6 for over-long lines (RFC 4954 6); 500 is RFC 5321 4.5.3.1.4's "line too long".
        Rejection.LineTooLong => "500 5.5.6 Line too long\r\n"u8,
        Rejection.BareLineFeedInCommand => "500 5.5.2 Command line must end with CRLF\r\n"u8,
        Rejection.InvalidArguments => "501 5.5.4 Syntax error in parameters or arguments\r\n"u8,
        Rejection.ArgumentsNotAllowed => "501 5.5.4 This command takes no arguments\r\n"u8,
        Rejection.InvalidDomain => "501 5.5.4 Invalid domain name\r\n"u8,
        Rejection.NotImplemented => "502 5.5.1 Command not implemented\r\n"u8,

        Rejection.BadSenderSyntax => "501 5.1.7 Bad sender address syntax\r\n"u8,
        Rejection.BadRecipientSyntax => "501 5.1.3 Bad recipient address syntax\r\n"u8,
        // RFC 5321 4.5.3.1.10: "501 Path too long".
        Rejection.SenderPathTooLong => "501 5.1.7 Path too long\r\n"u8,
        Rejection.RecipientPathTooLong => "501 5.1.3 Path too long\r\n"u8,
        // RFC 5321 4.1.1.11: unrecognised or unimplemented MAIL/RCPT parameters get 555.
        Rejection.UnknownParameter => "555 5.5.4 Unsupported MAIL or RCPT parameter\r\n"u8,
        Rejection.DuplicateParameter => "501 5.5.4 Parameter given twice\r\n"u8,
        Rejection.InvalidParameterValue => "501 5.5.4 Invalid parameter value\r\n"u8,
        // RFC 6531 3.5 and RFC 6533 X.6.7.
        Rejection.NonAsciiAddressNeedsSmtpUtf8 => "553 5.6.7 Non-ASCII address requires SMTPUTF8\r\n"u8,
        // RFC 1870 6.1: a declared size over the fixed limit is answered 552.
        Rejection.DeclaredSizeTooBig => "552 5.3.4 Message size exceeds fixed maximum message size\r\n"u8,

        Rejection.NeedHelo => "503 5.5.1 Send EHLO or HELO first\r\n"u8,
        Rejection.NestedMail => "503 5.5.1 Sender already specified\r\n"u8,
        Rejection.NeedMail => "503 5.5.1 Need MAIL command first\r\n"u8,
        Rejection.NeedRecipient => "503 5.5.1 Need RCPT command first\r\n"u8,
        // RFC 5321 3.3: DATA with no accepted recipient may be answered 554 "no valid recipients".
        Rejection.NoValidRecipients => "554 5.5.1 No valid recipients\r\n"u8,
        // RFC 3030 3: DATA and BDAT must not be mixed in one transaction.
        Rejection.DataAfterBdat => "503 5.5.1 DATA not allowed after BDAT\r\n"u8,
        // RFC 3030 3: DATA after MAIL ... BODY=BINARYMIME "MUST" be answered 503; the client resets.
        Rejection.DataWithBinaryMime => "503 5.5.1 BODY=BINARYMIME requires BDAT, not DATA\r\n"u8,
        Rejection.ChunkingNotNegotiated => "503 5.5.1 BDAT requires EHLO\r\n"u8,
        Rejection.NoTransaction => "503 5.5.1 No transaction in progress\r\n"u8,
        Rejection.BadSequence => "503 5.5.1 Bad sequence of commands\r\n"u8,

        // RFC 5321 4.5.3.1.10: too many recipients is the temporary 452.
        Rejection.TooManyRecipients => "452 4.5.3 Too many recipients\r\n"u8,
        // RFC 9422 4.1: past the advertised MAILMAX; the client goes on over a new connection.
        Rejection.TooManyTransactions => "421 4.7.0 Too many transactions in this session, closing connection\r\n"u8,
        Rejection.TooManyErrors => "421 4.7.0 Too many errors, closing connection\r\n"u8,
        Rejection.Timeout => "421 4.4.2 Timeout, closing connection\r\n"u8,
        Rejection.ShuttingDown => "421 4.3.2 Service shutting down, closing connection\r\n"u8,
        Rejection.TooManyConnections => "421 4.3.2 Too many connections, try again later\r\n"u8,
        Rejection.TooManyConnectionsFromClient => "421 4.7.0 Too many connections from your address, try again later\r\n"u8,
        Rejection.ConnectionRateExceeded => "421 4.7.0 Too many connections from your address per minute, try again later\r\n"u8,
        Rejection.UnframeableBdat => "421 4.5.0 Invalid BDAT chunk size, closing connection\r\n"u8,

        // RFC 5321 3.6.2 and 7.1: no open relay; RFC 3463 X.7.1 "delivery not authorized".
        Rejection.RelayDenied => "550 5.7.1 Relay access denied\r\n"u8,
        // RFC 5321 4.3.1: the client waits for the greeting; X.5.0 "other protocol status". Not a
        // 421, so not in ClosesConnection: the session closes after it explicitly (see GreetAsync).
        Rejection.EarlyTalker => "554 5.5.0 Protocol error: data sent before the greeting, closing connection\r\n"u8,

        // RFC 3207 4 and RFC 4954 6 name these codes; the texts are ours.
        Rejection.TlsAlreadyActive => "503 5.5.1 TLS already active\r\n"u8,
        // CVE-2011-0411 class: bytes pipelined behind STARTTLS were sent in plaintext and must not
        // be read as if protected. Not a 421, so not in ClosesConnection: the session closes explicitly.
        Rejection.PlaintextAfterStartTls => "554 5.5.0 Commands pipelined after STARTTLS, closing connection\r\n"u8,
        Rejection.TlsRequired => "530 5.7.0 Must issue a STARTTLS command first\r\n"u8,
        // RFC 8689 4: REQUIRETLS only in a TLS session; RFC 3207 4's 530 with X.7.10 "encryption needed" (RFC 5248).
        Rejection.RequireTlsWithoutTls => "530 5.7.10 REQUIRETLS requires a TLS session\r\n"u8,
        Rejection.UnsupportedAuthMechanism => "504 5.5.4 Unrecognized authentication type\r\n"u8,
        Rejection.AlreadyAuthenticated => "503 5.5.1 Already authenticated\r\n"u8,
        Rejection.AuthDuringTransaction => "503 5.5.1 AUTH not permitted during a mail transaction\r\n"u8,
        Rejection.EncryptionRequiredForAuth => "538 5.7.11 Encryption required for requested authentication mechanism\r\n"u8,
        Rejection.AuthCancelled => "501 5.7.0 Authentication cancelled\r\n"u8,
        Rejection.AuthResponseInvalid => "501 5.5.2 Cannot decode response\r\n"u8,
        Rejection.AuthFailed => "535 5.7.8 Authentication credentials invalid\r\n"u8,
        Rejection.AuthTemporaryFailure => "454 4.7.0 Temporary authentication failure\r\n"u8,
        Rejection.AuthThrottled => "454 4.7.0 Too many failed authentication attempts, try again later\r\n"u8,
        Rejection.TooManyAuthFailures => "421 4.7.0 Too many failed authentication attempts, closing connection\r\n"u8,

        // RFC 3463 X.1.1 "bad destination mailbox address"; a directory that could not answer is X.4.3.
        Rejection.UnknownRecipient => "550 5.1.1 Recipient address rejected: user unknown\r\n"u8,
        Rejection.TooManyUnknownRecipients => "421 4.7.0 Too many unknown recipients, closing connection\r\n"u8,
        Rejection.RecipientLookupFailed => "451 4.4.3 Recipient lookup failed, try again later\r\n"u8,

        // RFC 7372 3.2: X.7.23 SPF validation failed, X.7.24 SPF validation error (temporary here).
        Rejection.SpfFailed => "550 5.7.23 SPF validation failed\r\n"u8,
        Rejection.SpfTemporaryError => "451 4.7.24 SPF validation error, try again later\r\n"u8,
        // RFC 7489 6.6.4 and 10.3: a DMARC p=reject failure is refused at the end of data, 550 5.7.1.
        Rejection.DmarcRejected => "550 5.7.1 Message rejected by the sender domain's DMARC policy\r\n"u8,
        Rejection.AuthenticationTemporaryError => "451 4.7.0 Temporary DNS failure verifying the sender, try again later\r\n"u8,

        Rejection.MessageTooBig => "552 5.3.4 Message size exceeds fixed maximum message size\r\n"u8,
        // X.6.0 "other or undefined media error" (RFC 3463 3.7): no registered code names bare line endings.
        Rejection.BareLineEndingInData => "550 5.6.0 Message contains bare CR or LF; lines must end with CRLF\r\n"u8,
        Rejection.DeliveryTemporaryFailure => "451 4.3.0 Temporary delivery failure, try again later\r\n"u8,
        Rejection.DeliveryPermanentFailure => "554 5.3.0 Delivery failed\r\n"u8,
        // RFC 3463 3.4 X.3.5 "System incorrectly configured: the system is not configured in a manner
        // that will permit it to accept this message". Temporary (4.3.5), since an operator fixes it
        // (creates the topic, grants the ACL) and the sender's retry then succeeds.
        Rejection.DeliveryMisconfigured => "451 4.3.5 System not configured to accept this message, try again later\r\n"u8,
        _ => "451 4.3.0 Internal error\r\n"u8,
    };

    /// <summary>Replies after which the server closes the connection (RFC 5321 3.8: 421).</summary>
    public static bool ClosesConnection(Rejection rejection) => rejection is
        Rejection.TooManyErrors or Rejection.Timeout or Rejection.ShuttingDown or
        Rejection.TooManyConnections or Rejection.TooManyConnectionsFromClient or Rejection.ConnectionRateExceeded or
        Rejection.UnframeableBdat or Rejection.TooManyAuthFailures or Rejection.TooManyUnknownRecipients or
        Rejection.TooManyTransactions;

    /// <summary>
    /// Client mistakes that count towards the bad-command limit. Relay refusals count too, as in
    /// Postfix's smtpd_hard_error_limit: a sender with a stray foreign recipient or two stays far
    /// below the limit, while a client probing for an open relay or harvesting is cut off.
    /// </summary>
    public static bool IsClientError(Rejection rejection) => rejection is
        Rejection.UnrecognizedCommand or Rejection.LineTooLong or Rejection.BareLineFeedInCommand or
        Rejection.InvalidArguments or Rejection.ArgumentsNotAllowed or Rejection.InvalidDomain or
        Rejection.NotImplemented or Rejection.BadSenderSyntax or Rejection.BadRecipientSyntax or
        Rejection.SenderPathTooLong or Rejection.RecipientPathTooLong or Rejection.UnknownParameter or
        Rejection.DuplicateParameter or Rejection.InvalidParameterValue or
        Rejection.NonAsciiAddressNeedsSmtpUtf8 or Rejection.NeedHelo or Rejection.NestedMail or
        Rejection.NeedMail or Rejection.NeedRecipient or Rejection.NoValidRecipients or
        Rejection.DataAfterBdat or Rejection.DataWithBinaryMime or Rejection.RequireTlsWithoutTls or Rejection.ChunkingNotNegotiated or Rejection.NoTransaction or
        Rejection.BadSequence or Rejection.RelayDenied or Rejection.TlsAlreadyActive or
        Rejection.TlsRequired or Rejection.UnsupportedAuthMechanism or Rejection.AlreadyAuthenticated or
        Rejection.AuthDuringTransaction or Rejection.EncryptionRequiredForAuth or Rejection.AuthResponseInvalid;
}
