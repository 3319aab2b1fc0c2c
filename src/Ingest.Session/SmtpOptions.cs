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
}
