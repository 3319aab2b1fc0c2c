namespace Ingest.Protocol;

/// <summary>The MAIL FROM parameters this gateway advertises (RFC 1870, RFC 6152, RFC 6531).</summary>
public readonly record struct MailParameters(ulong? DeclaredSize, BodyType Body, bool SmtpUtf8);
