namespace Ingest.Host;

/// <summary>/healthz (alive), /readyz (ready for traffic) and /metrics (Prometheus text format).</summary>
internal static class ManagementEndpoints
{
    public static void Map(WebApplication app)
    {
        if (!ManagementOptions.IsEnabled(app.Configuration))
        {
            return;
        }

        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (GatewayState state) => state.NotReadyReason() is { } reason
            ? Results.Text(reason + "\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));
        app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
