using Ingest.Delivery;
using Ingest.Delivery.Kafka;

namespace Ingest.Host;

/// <summary>What /readyz reports: listening, sink healthy, not draining.</summary>
public sealed class GatewayState(IMessageSink sink)
{
    private volatile bool _started;
    private volatile bool _draining;

    public bool Draining => _draining;

    internal void MarkStarted() => _started = true;

    internal void MarkDraining() => _draining = true;

    /// <summary>Null when ready; otherwise why not, for the probe's response body.</summary>
    public string? NotReadyReason()
    {
        if (_draining)
        {
            return "draining";
        }

        if (!_started)
        {
            return "starting";
        }

        // Kafka reports its own health; the Maildir and discard sinks have no remote side to lose.
        // A misconfigured topic fails only its own route and leaves readiness alone, unless no routed
        // topic is usable, when this instance can accept nothing (docs/delivery-guarantees.md).
        return sink switch
        {
            KafkaSink { Health: KafkaHealth.Unavailable or KafkaHealth.Failed } kafka => "kafka " + kafka.Health.ToString().ToLowerInvariant(),
            KafkaSink { Topics.NoneUsable: true } => "kafka: no routed topic is usable",
            _ => null,
        };
    }
}
