using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>Per-session protocol limits and timeouts; bound from configuration section Ingest:Smtp.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Ingest:Smtp";

    /// <summary>Our name in the greeting, EHLO reply and Received header. Empty: the machine's host name.</summary>
    public string HostName { get; set; } = "";

    /// <summary>Largest body accepted, in octets, advertised as SIZE (RFC 1870) and enforced while reading.</summary>
    public long MaxMessageSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>RCPT commands accepted per message; RFC 5321 4.5.3.1.8 asks for at least 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>
    /// MAIL commands accepted per session, advertised as LIMITS MAILMAX (RFC 9422 4.1); the next one
    /// is answered 421 4.7.0 and the session ends, so the client carries on over a new connection.
    /// 1000 is Exim's smtp_accept_max_per_connection. 0: no limit, and no MAILMAX.
    /// </summary>
    public int MaxTransactionsPerSession { get; set; } = 1000;

    /// <summary>
    /// Unknown recipients (550 5.1.1) tolerated per session; one more ends it with 421 4.7.0, so a
    /// client cannot harvest addresses by trying them one after another. 0: no limit.
    /// </summary>
    public int MaxUnknownRecipients { get; set; } = 10;

    /// <summary>Longest command line including CRLF (RFC 5321 4.5.3.1.4: 512).</summary>
    public int MaxCommandLineLength { get; set; } = 512;

    /// <summary>Client errors tolerated per session; one more and the session ends with 421.</summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>Waiting for the first byte of the next command (RFC 5321 4.5.3.2.7: at least 5 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>From the first byte of a command line to its CRLF; trickling bytes do not extend it.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest silence while a DATA or BDAT body is arriving (RFC 5321 4.5.3.2.5-6).</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>What DATA does with bare CR or LF (RFC 5321 2.3.8).</summary>
    public BareLineEndingPolicy BareLineEndings { get; set; } = BareLineEndingPolicy.Reject;

    /// <summary>Octets buffered per message before they are handed to the sink.</summary>
    public int BodyChunkSize { get; set; } = 64 * 1024;

    /// <summary>
    /// Recipient domains accepted from unauthenticated clients: "example.com" exactly, or
    /// "*.example.com" for every subdomain of example.com (not example.com itself). Others get
    /// 550 5.7.1 (RFC 5321 7.1). Empty: every domain is accepted, as an open inbound gateway.
    /// The session does not read it: the host builds the recipient policy (Ingest.Policy) from it.
    /// </summary>
    public List<string> AcceptedDomains { get; set; } = [];

    /// <summary>
    /// How long to wait before the 220 greeting; a client that sends anything sooner is answered
    /// 554 5.5.0 and closed (RFC 5321 4.3.1). Zero turns the check off.
    /// </summary>
    public TimeSpan GreetingDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Look up the client's PTR name once per connection for the Received header (RFC 5321 4.4).</summary>
    public bool ReverseDns { get; set; }

    /// <summary>Longest wait for the PTR lookup; a slower answer is treated as no name.</summary>
    public TimeSpan ReverseDnsTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
