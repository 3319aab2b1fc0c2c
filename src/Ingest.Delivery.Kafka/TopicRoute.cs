namespace Ingest.Delivery.Kafka;

/// <summary>One topic a message goes to, with the recipients routed there (the only ones its records name).</summary>
/// <param name="Positions">Where each of <paramref name="Recipients"/> stands in the envelope's list; null when they are that list.</param>
internal sealed record TopicRoute(string Topic, IReadOnlyList<string> Recipients, IReadOnlyList<int>? Positions = null);
