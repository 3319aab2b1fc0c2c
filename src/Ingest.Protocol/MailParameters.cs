namespace Ingest.Protocol;

/// <summary>
/// The MAIL FROM parameters this gateway advertises (RFC 1870, RFC 6152, RFC 6531, RFC 3030,
/// RFC 8689, RFC 3461). ENVID, a span, travels in <see cref="SmtpCommand.EnvelopeId"/>.
/// </summary>
public readonly record struct MailParameters(
    ulong? DeclaredSize,
    BodyType Body,
    bool SmtpUtf8,
    bool RequireTls = false,
    DsnReturn Return = DsnReturn.Unspecified);
