namespace Ingest.Delivery;

public enum DeliveryStatus : byte
{
    /// <summary>So far so good (writes), or durable (completion).</summary>
    Accepted,

    /// <summary>The sender should retry later: SMTP 451 4.3.0.</summary>
    TemporaryFailure,

    /// <summary>Retrying will not help: SMTP 554 5.3.0.</summary>
    PermanentFailure,

    /// <summary>
    /// The sink is not configured so that it can take this message now (a Kafka route's topic is
    /// missing or refused): SMTP 451 4.3.5, at once. Temporary, since the operator fixes it.
    /// </summary>
    Misconfigured,
}
