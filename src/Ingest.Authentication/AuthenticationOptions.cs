using Ingest.Authentication.Dns;

namespace Ingest.Authentication;

/// <summary>Sender authentication (SPF, DKIM, DMARC); bound from Ingest:Authentication. Off unless enabled.</summary>
public sealed class AuthenticationOptions
{
    public const string Section = "Ingest:Authentication";

    /// <summary>Verify every message and prepend the verdicts. Off by default: nothing is looked up.</summary>
    public bool Enabled { get; set; }

    /// <summary>The authserv-id of the Authentication-Results header (RFC 8601 2.5); empty: the SMTP host name.</summary>
    public string AuthServId { get; set; } = "";

    /// <summary>Refuse MAIL with 550 5.7.23 when SPF fails (a "-" mechanism matched, typically "-all"; RFC 7372).</summary>
    public bool RejectSpfFail { get; set; }

    /// <summary>Refuse at the end of data with 550 5.7.1 when DMARC fails under p=reject (not in testing).</summary>
    public bool RejectDmarcFail { get; set; }

    /// <summary>What a temporary DNS failure does where a policy above is on: a temperror verdict and delivery, or 451 4.7.x.</summary>
    public TemporaryErrorAction TemporaryErrors { get; set; } = TemporaryErrorAction.Accept;

    /// <summary>Largest header section kept for DKIM and DMARC; a larger one gets permerror verdicts.</summary>
    public int MaxHeaderBytes { get; set; } = 64 * 1024;

    /// <summary>DKIM signatures verified per message; further ones are counted, not checked.</summary>
    public int MaxSignatures { get; set; } = 8;

    /// <summary>All DNS work of one message (SPF, keys, DMARC) must finish within this; what is left is temperror.</summary>
    public TimeSpan DnsBudget { get; set; } = TimeSpan.FromSeconds(15);

    public DnsOptions Dns { get; set; } = new();
}
