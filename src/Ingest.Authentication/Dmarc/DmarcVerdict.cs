namespace Ingest.Authentication.Dmarc;

/// <summary>
/// The DMARC verdict: the result, the From domain, the policy that applies to it (p=, or sp= or np=
/// for a subdomain, RFC 7489 6.6.3 and DMARCbis), whether the domain owner asked for testing only,
/// the disposition a receiver following the policy would take, and a short reason.
/// </summary>
public sealed record DmarcVerdict(DmarcResult Result, string? FromDomain, DmarcPolicy? Policy, bool Testing, DmarcPolicy Disposition, string Reason);
