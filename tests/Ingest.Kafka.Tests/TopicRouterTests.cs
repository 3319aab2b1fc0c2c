using Ingest.Delivery.Kafka;

namespace Ingest.Kafka.Tests;

[Trait("Broker", "none")]
public sealed class TopicRouterTests
{
    private static readonly TopicRouter Router = new(new KafkaOptions
    {
        DefaultTopic = "rest",
        TopicsByDomain = new(StringComparer.OrdinalIgnoreCase) { ["example.com"] = "com", ["example.net"] = "net" },
    });

    [Fact]
    public void RecipientsAreGroupedByTopicInOrderOfFirstAppearance()
    {
        var routes = Router.Route(["a@example.net", "b@Example.COM", "c@other.test", "d@example.net", "Postmaster"]);
        Assert.Equal(["net", "com", "rest"], routes.Select(route => route.Topic));
        Assert.Equal(["a@example.net", "d@example.net"], routes[0].Recipients);
        Assert.Equal(["b@Example.COM"], routes[1].Recipients);
        Assert.Equal(["c@other.test", "Postmaster"], routes[2].Recipients);
        // Each recipient's place in the envelope, for its per-recipient DSN fields.
        Assert.Equal([0, 3], routes[0].Positions!);
        Assert.Equal([1], routes[1].Positions!);
        Assert.Equal([2, 4], routes[2].Positions!);
    }

    [Fact]
    public void SubdomainIsNotItsParentDomain()
    {
        Assert.Equal("rest", Assert.Single(Router.Route(["a@mail.example.com"])).Topic);
    }

    [Fact]
    public void DomainIsAfterTheLastAt()
    {
        Assert.Equal("com", Assert.Single(Router.Route(["\"x@example.net\"@example.com"])).Topic);
    }
}
