namespace Ingest.Authentication.Dkim;

/// <summary>
/// One signature's verdict: the result, the signing domain and selector, the algorithm as written
/// (rsa-sha1 is reported as such), the first characters of b= to tell signatures apart (RFC 6008),
/// the body length limit l= and how much of the canonicalized body it covered, and a short reason.
/// </summary>
public sealed record DkimVerdict(
    DkimResult Result,
    string Domain,
    string Selector,
    string Algorithm,
    string SignaturePrefix,
    long? BodyLengthLimit,
    long BodyLength,
    string Reason);
