using Confluent.Kafka;
using Ingest.Delivery.Kafka;

namespace Ingest.Kafka.Tests;

/// <summary>How a topic's max.message.bytes bounds records and batches, and which delivery errors are a topic's own.</summary>
[Trait("Broker", "none")]
public sealed class TopicLimitsTests
{
    [Theory]
    [InlineData(999_000, 0, 999_000)]
    [InlineData(999_000, 1_048_588, 999_000)]
    [InlineData(999_000, 300_000, 300_000 - TopicLimits.BatchOverheadBytes)]
    [InlineData(5_000_000, 10_485_760, 5_000_000)]
    public void RecordsStayUnderBothTheConfiguredSizeAndTheTopicLimitLessBatchFraming(int configured, int topic, int expected) =>
        Assert.Equal(expected, TopicLimits.RecordLimit(configured, topic));

    [Theory]
    [InlineData(0, true)]
    [InlineData(TopicLimits.SmallestMaxMessageBytes, true)]
    [InlineData(TopicLimits.SmallestMaxMessageBytes - 1, false)]
    [InlineData(20_000, false)]
    public void ATopicFitsWhenItTakesTheSmallestRecordWithItsFraming(int topic, bool fits) =>
        Assert.Equal(fits, TopicLimits.Fits(topic));

    [Fact]
    public void BatchesFollowTheSmallestKnownTopicLimitAndNeverExceedLibrdkafkasDefault()
    {
        Assert.Equal(TopicLimits.DefaultBatchBytes, TopicLimits.BatchBytes([]));
        Assert.Equal(TopicLimits.DefaultBatchBytes, TopicLimits.BatchBytes([0, 10_485_760]));
        Assert.Equal(300_000, TopicLimits.BatchBytes([1_048_588, 300_000, 0, 500_000]));
    }

    [Fact]
    public void TheProducerIsBuiltWithBatchesUnderTheSmallestTopicLimitUnlessTheOperatorsAreSmaller()
    {
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1" };
        Assert.False(KafkaProducerHandle.Configuration(options).ContainsKey("batch.size"));
        Assert.Equal("300000", KafkaProducerHandle.Configuration(options, 300_000)["batch.size"]);
        options.Producer["batch.size"] = "100000";
        Assert.Equal("100000", KafkaProducerHandle.Configuration(options, 300_000)["batch.size"]);
    }

    [Theory]
    [InlineData(ErrorCode.UnknownTopicOrPart, TopicProblem.Missing)]
    [InlineData(ErrorCode.Local_UnknownTopic, TopicProblem.Missing)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, TopicProblem.Refused)]
    [InlineData(ErrorCode.Local_MsgTimedOut, null)]
    [InlineData(ErrorCode.Local_AllBrokersDown, null)]
    public void OnlyTopicErrorsMarkARouteMisconfigured(ErrorCode code, TopicProblem? problem) =>
        Assert.Equal(problem, TopicWatch.ProblemOf(code));

    [Fact]
    public void TheAdminClientSharesTheProducersConnectionSettingsButNotItsIdempotence()
    {
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1", InstanceName = "gw" };
        options.Producer["security.protocol"] = "ssl";
        options.Producer["enable.gapless.guarantee"] = "true";
        var admin = TopicWatch.AdminConfiguration(options);
        Assert.Equal("ssl", admin["security.protocol"]);
        Assert.Equal("127.0.0.1:1", admin["bootstrap.servers"]);
        Assert.False(admin.ContainsKey("enable.idempotence"));
        Assert.False(admin.ContainsKey("enable.gapless.guarantee"));
        Assert.Equal("ingest-gw-admin", admin["client.id"]);
    }
}
