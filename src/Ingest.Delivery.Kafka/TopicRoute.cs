namespace Ingest.Delivery.Kafka;

/// <summary>One topic a message goes to, with the recipients routed there (the only ones its records name).</summary>
internal sealed record TopicRoute(string Topic, IReadOnlyList<string> Recipients);
