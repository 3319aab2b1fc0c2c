using System.Globalization;
using System.Text;

namespace Ingest.Session;

/// <summary>The replies that depend only on configuration, encoded once per process.</summary>
internal sealed class ServerReplies
{
    private readonly byte[][] _ehlo = new byte[8][];

    public ServerReplies(string hostName, SmtpOptions options)
    {
        HostName = Encoding.ASCII.GetBytes(hostName);
        // RFC 5321 4.2: the greeting names the server; RFC 2034 3: no enhanced code on greetings.
        Greeting = Encoding.ASCII.GetBytes($"220 {hostName} ESMTP Ingest ready\r\n");
        var limits = Limits(options);
        // RFC 5321 4.1.1.1: ehlo-ok-rsp; one keyword per line, the last line with a space. The
        // variants: STARTTLS only before TLS (RFC 3207 4.2), AUTH only where it may be used (RFC 4954 4),
        // REQUIRETLS only in a TLS session (RFC 8689 4). BINARYMIME goes with CHUNKING (RFC 3030 3);
        // DSN (RFC 3461 4) means the parameters are taken and carried, not that the gateway sends DSNs.
        for (var variant = 0; variant < _ehlo.Length; variant++)
        {
            var startTls = (variant & 1) != 0 ? "250-STARTTLS\r\n" : "";
            var auth = (variant & 2) != 0 ? "250-AUTH PLAIN LOGIN\r\n" : "";
            var requireTls = (variant & 4) != 0 ? "250-REQUIRETLS\r\n" : "";
            _ehlo[variant] = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"250-{hostName}\r\n250-PIPELINING\r\n250-SIZE {options.MaxMessageSize}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n250-BINARYMIME\r\n250-DSN\r\n{startTls}{requireTls}{auth}{limits}250 ENHANCEDSTATUSCODES\r\n"));
        }

        Helo = Encoding.ASCII.GetBytes($"250 {hostName}\r\n");
    }

    public byte[] HostName { get; }

    public byte[] Greeting { get; }

    public byte[] Helo { get; }

    public byte[] Ehlo(bool startTls, bool auth, bool requireTls) => _ehlo[(startTls ? 1 : 0) | (auth ? 2 : 0) | (requireTls ? 4 : 0)];

    /// <summary>
    /// RFC 9422 3: "LIMITS" SP limit *(SP limit), limit = name "=" 1*DIGIT. RCPTMAX (4.2) is the
    /// recipients accepted per transaction, MAILMAX (4.1) the transactions per session; a limit the
    /// server does not impose is left out (MaxTransactionsPerSession 0).
    /// </summary>
    private static string Limits(SmtpOptions options) => options.MaxTransactionsPerSession > 0
        ? string.Create(CultureInfo.InvariantCulture, $"250-LIMITS RCPTMAX={options.MaxRecipients} MAILMAX={options.MaxTransactionsPerSession}\r\n")
        : string.Create(CultureInfo.InvariantCulture, $"250-LIMITS RCPTMAX={options.MaxRecipients}\r\n");
}
