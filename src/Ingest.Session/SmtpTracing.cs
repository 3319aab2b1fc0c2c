using System.Diagnostics;

namespace Ingest.Session;

/// <summary>
/// The session's spans: one per mail transaction (MAIL to the final reply, kind Server) and a
/// child per delivery into the sink (kind Producer). Attribute names follow the OpenTelemetry
/// network and messaging conventions (https://opentelemetry.io/docs/specs/semconv/).
/// </summary>
public static class SmtpTracing
{
    public const string SourceName = "Ingest.Smtp";

    internal static readonly ActivitySource Source = new(SourceName);
}
