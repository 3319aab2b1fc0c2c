namespace Ingest.Delivery.Kafka;

/// <summary>
/// Recipient domain to topic. Domains compare case-insensitively (RFC 5321 2.4) and exactly: a
/// subdomain needs its own entry, and an internationalised domain is matched in the form the client
/// sent (U-label or A-label), since the gateway does not convert between them.
/// </summary>
internal sealed class TopicRouter
{
    private readonly Dictionary<string, string> _topics;
    private readonly string _defaultTopic;

    public TopicRouter(KafkaOptions options)
    {
        _topics = new Dictionary<string, string>(options.TopicsByDomain, StringComparer.OrdinalIgnoreCase);
        _defaultTopic = options.DefaultTopic;
    }

    /// <summary>The topics for these recipients, in order of first appearance, each with its recipients in order.</summary>
    public IReadOnlyList<TopicRoute> Route(IReadOnlyList<string> recipients)
    {
        if (_topics.Count == 0)
        {
            return [new TopicRoute(_defaultTopic, recipients)];
        }

        var routes = new List<(string Topic, List<string> Recipients, List<int> Positions)>(1);
        for (var position = 0; position < recipients.Count; position++)
        {
            var recipient = recipients[position];
            var topic = TopicFor(recipient);
            var index = routes.FindIndex(route => string.Equals(route.Topic, topic, StringComparison.Ordinal));
            if (index < 0)
            {
                routes.Add((topic, [recipient], [position]));
            }
            else
            {
                routes[index].Recipients.Add(recipient);
                routes[index].Positions.Add(position);
            }
        }

        return routes.ConvertAll(route => new TopicRoute(route.Topic, route.Recipients, route.Positions));
    }

    private string TopicFor(string recipient)
    {
        // The domain follows the last '@' (a quoted local part may contain '@'); <Postmaster> has none.
        var at = recipient.LastIndexOf('@');
        if (at >= 0 && _topics.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(recipient.AsSpan(at + 1), out var topic))
        {
            return topic;
        }

        return _defaultTopic;
    }
}
