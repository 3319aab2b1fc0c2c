using System.Net;

namespace Ingest.Session;

/// <summary>What the session knows of the sender at MAIL (RFC 7208 2.2-2.4 identities).</summary>
/// <param name="ReversePath">The MAIL FROM mailbox; empty for the null reverse-path.</param>
/// <param name="Authenticated">The client authenticated with AUTH: verdicts are computed, but no policy refuses its mail.</param>
public sealed record SenderInfo(IPAddress? Client, string HeloName, string ReversePath, bool Authenticated);
