namespace Ingest.Host;

/// <summary>Bound from configuration section Ingest:Delivery.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Ingest:Delivery";

    public SinkKind Sink { get; set; } = SinkKind.Maildir;
}
