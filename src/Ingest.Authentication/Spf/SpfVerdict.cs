namespace Ingest.Authentication.Spf;

/// <summary>
/// What SPF said about one identity: the result, the domain checked (for DMARC alignment and the
/// Authentication-Results property), whether it was MAIL FROM or the HELO name (RFC 7208 2.3-2.4),
/// and a short reason for the header comment (the deciding term, or what went wrong).
/// </summary>
public sealed record SpfVerdict(SpfResult Result, string Domain, bool FromHelo, string Reason);
