namespace Ingest.Session;

/// <summary>SMTP AUTH (RFC 4954); bound from configuration section Ingest:Auth. Off unless a password file is given.</summary>
public sealed class AuthOptions
{
    public const string Section = "Ingest:Auth";

    /// <summary>Lines of user:hash (hashes made with <c>Ingest.Host hash-password</c>); null or empty turns AUTH off.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// Offer PLAIN and LOGIN on connections without TLS. Off by default: both send the password
    /// in the clear, so RFC 4954 4 and 14 and RFC 8314 keep them behind TLS.
    /// </summary>
    public bool AllowWithoutTls { get; set; }

    /// <summary>Failed attempts per client address per minute before AUTH answers 454 4.7.0 untried; 0 = no limit.</summary>
    public int MaxFailuresPerClient { get; set; } = 10;

    /// <summary>Failed attempts in one session before it is closed with 421 4.7.0.</summary>
    public int MaxFailuresPerSession { get; set; } = 3;
}
