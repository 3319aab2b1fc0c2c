namespace Ingest.Authentication.Spf;

/// <summary>What the macro letters stand for (RFC 7208 7.2), for one check_host() call.</summary>
internal sealed record SpfMacroValues(string Sender, string LocalPart, string SenderDomain, string Domain, string Ip, string IpVersion, string Helo, string? ValidatedName);
