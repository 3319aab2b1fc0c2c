namespace Ingest.Delivery;

/// <summary>A sink's answer. <paramref name="Detail"/> is for logs only, never for the client.</summary>
public readonly record struct DeliveryResult(DeliveryStatus Status, string? Detail = null)
{
    public static DeliveryResult Accepted => default;

    public bool IsAccepted => Status == DeliveryStatus.Accepted;

    public static DeliveryResult Temporary(string detail) => new(DeliveryStatus.TemporaryFailure, detail);

    public static DeliveryResult Permanent(string detail) => new(DeliveryStatus.PermanentFailure, detail);

    public static DeliveryResult Misconfigured(string detail) => new(DeliveryStatus.Misconfigured, detail);
}
