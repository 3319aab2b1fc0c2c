using Ingest.Delivery.Kafka;

namespace Ingest.Host;

/// <summary>Bound from configuration section Ingest:Delivery.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Ingest:Delivery";

    public SinkKind Sink { get; set; } = SinkKind.Auto;

    /// <summary>The sink in use: <see cref="SinkKind.Auto"/> resolved against the Kafka settings.</summary>
    public SinkKind Effective(KafkaOptions kafka) => Sink switch
    {
        SinkKind.Auto => string.IsNullOrWhiteSpace(kafka.BootstrapServers) ? SinkKind.Maildir : SinkKind.Kafka,
        var chosen => chosen,
    };
}
