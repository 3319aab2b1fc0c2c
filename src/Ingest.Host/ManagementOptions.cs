namespace Ingest.Host;

/// <summary>Health, readiness and metrics over HTTP; bound from configuration section Ingest:Management.</summary>
public sealed class ManagementOptions
{
    public const string Section = "Ingest:Management";

    /// <summary>
    /// address:port for /healthz, /readyz and /metrics. Loopback by default, so nothing is exposed
    /// until an operator chooses to; the container image sets 0.0.0.0:8080. Empty turns it off.
    /// </summary>
    public string Endpoint { get; set; } = "127.0.0.1:8080";

    /// <summary>
    /// On SIGTERM, how long the gateway keeps serving with /readyz failing, so the load balancer
    /// stops sending new connections before the listener closes.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether the endpoint is on, read from raw configuration because the telemetry pipeline is
    /// wired before options exist: on unless the key is set to empty.
    /// </summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration[$"{Section}:Endpoint"] is not "";
}
