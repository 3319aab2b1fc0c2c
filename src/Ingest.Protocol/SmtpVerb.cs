namespace Ingest.Protocol;

/// <summary>The SMTP commands the gateway recognises (RFC 5321 4.1, RFC 3030 BDAT).</summary>
public enum SmtpVerb : byte
{
    Unknown,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
    // Known to RFC 5321 or common extensions but not offered here: answered 502.
    Expn,
    Turn,
    Etrn,
    Auth,
    StartTls,
}
