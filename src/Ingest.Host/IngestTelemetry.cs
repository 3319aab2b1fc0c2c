using Ingest.Session;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ingest.Host;

/// <summary>
/// OpenTelemetry wiring: metrics always (for /metrics), and OTLP export of metrics, traces and logs
/// when the standard OTEL_EXPORTER_OTLP_ENDPOINT is configured (environment or configuration).
/// </summary>
internal static class IngestTelemetry
{
    public static void Add(WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ingest"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SmtpMetrics.MeterName).AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(SmtpTracing.SourceName).AddOtlpExporter());
            builder.Logging.AddOpenTelemetry(logging => logging.AddOtlpExporter());
        }
    }
}
