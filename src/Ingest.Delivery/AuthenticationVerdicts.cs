namespace Ingest.Delivery;

/// <summary>
/// The sender authentication verdicts of one message (SPF, DKIM, DMARC), known only once its data
/// has ended: set on <see cref="MessageEnvelope.Authentication"/> before
/// <see cref="IMessageWriter.CompleteAsync"/>. A sink puts <see cref="HeaderField"/> in front of
/// the message, as the session put the trace header, and may carry the compact forms as metadata
/// (docs/record-format.md).
/// </summary>
public sealed class AuthenticationVerdicts
{
    /// <summary>Most octets the header field and the compact forms take together; sinks reserve this much.</summary>
    public const int MaxBytes = 4096;

    /// <summary>The whole "Authentication-Results: ..." field (RFC 8601), folded, ending in CRLF.</summary>
    public required byte[] HeaderField { get; init; }

    /// <summary>"&lt;result&gt; &lt;domain&gt;", e.g. "pass example.org"; the domain is the one checked (MAIL FROM's, or HELO's for the null sender).</summary>
    public required string Spf { get; init; }

    /// <summary>One entry per signature, "&lt;result&gt; &lt;d=&gt; &lt;s=&gt; &lt;a=&gt;", e.g. "pass example.com sel1 rsa-sha256"; empty when unsigned.</summary>
    public required IReadOnlyList<string> Dkim { get; init; }

    /// <summary>"&lt;result&gt; &lt;From domain&gt; &lt;policy&gt;", e.g. "fail example.com reject"; the policy is "-" when none was found.</summary>
    public required string Dmarc { get; init; }
}
