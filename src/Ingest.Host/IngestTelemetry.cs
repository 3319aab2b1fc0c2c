using Ingest.Authentication;
using Ingest.Delivery.Kafka;
using Ingest.Session;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ingest.Host;

/// <summary>
/// OpenTelemetry wiring: metrics for /metrics when the management endpoint is on, and OTLP export of
/// metrics, traces and logs when the standard OTEL_EXPORTER_OTLP_ENDPOINT is configured. With
/// neither, no listener is attached and the instruments cost next to nothing.
/// </summary>
internal static class IngestTelemetry
{
    public static void Add(WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var scrape = ManagementOptions.IsEnabled(builder.Configuration);
        if (!otlp && !scrape)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ingest"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SmtpMetrics.MeterName, KafkaMetrics.MeterName, AuthenticationMetrics.MeterName);
                if (scrape)
                {
                    metrics.AddPrometheusExporter();
                }

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
