using Ingest.Delivery;
using Ingest.Delivery.Kafka;
using Ingest.Host;
using Ingest.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ingest.Kafka.Tests;

/// <summary>Which sink the host chooses, and start-up validation of the Kafka settings naming their keys.</summary>
[Trait("Broker", "none")]
public sealed class HostWiringTests
{
    private static async Task<Exception?> StartFailureAsync(params string[] settings)
    {
        Microsoft.AspNetCore.Builder.WebApplication? app = null;
        try
        {
            app = IngestApp.Build(["--Ingest:Server:Endpoints:0=127.0.0.1:0", "--Ingest:Management:Endpoint=", "--Ingest:Management:DrainDelay=00:00:00", "--Logging:LogLevel:Default=Warning", .. settings.Select(setting => "--" + setting)]);
            await app.StartAsync();
            await app.StopAsync();
            return null;
        }
        catch (OptionsValidationException exception)
        {
            return exception;
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task BootstrapServersSelectTheKafkaSinkWhichStartsWithNoBrokerListening()
    {
        // Nothing listens on port 1 of loopback: the gateway must start, answer SMTP, and say through
        // its health (hence /readyz) that Kafka is unreachable, once librdkafka has found that out.
        var app = IngestApp.Build(["--Ingest:Server:Endpoints:0=127.0.0.1:0", "--Ingest:Management:Endpoint=", "--Ingest:Management:DrainDelay=00:00:00", "--Ingest:Kafka:BootstrapServers=127.0.0.1:1", "--Logging:LogLevel:Default=None"]);
        var sink = Assert.IsType<KafkaSink>(app.Services.GetRequiredService<IMessageSink>());
        using var unavailable = new HealthWatch(sink, KafkaHealth.Unavailable);
        await app.StartAsync();
        try
        {
            await using var client = await RawSmtpClient.ConnectAsync(app.Services.GetRequiredService<SmtpListeners>().EndPoints.Single());
            await client.ExpectAsync("220 ");
            await client.SendAsync("EHLO client.test\r\n");
            await client.ExpectAsync("250-");

            await unavailable.Reached.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("kafka unavailable", app.Services.GetRequiredService<GatewayState>().NotReadyReason());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void WithoutBootstrapServersTheMaildirStaysTheDefault()
    {
        var maildir = Path.Combine(Path.GetTempPath(), "ingest-kafka-wiring-" + Guid.NewGuid().ToString("N"));
        var app = IngestApp.Build(["--Ingest:Server:Endpoints:0=127.0.0.1:0", "--Ingest:Management:Endpoint=", $"--Ingest:Maildir:Path={maildir}"]);
        try
        {
            Assert.IsType<Ingest.Delivery.Maildir.MaildirSink>(app.Services.GetRequiredService<IMessageSink>());
        }
        finally
        {
            Directory.Delete(maildir, recursive: true);
        }
    }

    [Theory]
    [InlineData("Ingest:Kafka:DefaultTopic=bad topic!", "Ingest:Kafka:DefaultTopic")]
    [InlineData("Ingest:Kafka:TopicsByDomain:example.com=", "Ingest:Kafka:TopicsByDomain:example.com")]
    [InlineData("Ingest:Kafka:MaxRecordBytes=100", "Ingest:Kafka:MaxRecordBytes")]
    [InlineData("Ingest:Kafka:DeliveryTimeout=00:10:00", "Ingest:Kafka:DeliveryTimeout")]
    [InlineData("Ingest:Kafka:MaxInFlightBytes=1000", "Ingest:Kafka:MaxInFlightBytes")]
    [InlineData("Ingest:Kafka:MaxChunksInFlightPerMessage=0", "Ingest:Kafka:MaxChunksInFlightPerMessage")]
    [InlineData("Ingest:Kafka:Producer:bootstrap.servers=x:1", "Ingest:Kafka:Producer:bootstrap.servers")]
    [InlineData("Ingest:Kafka:Producer:message.max.bytes=500000", "Ingest:Kafka:Producer:message.max.bytes")]
    [InlineData("Ingest:Kafka:TopicRefreshInterval=00:00:00", "Ingest:Kafka:TopicRefreshInterval")]
    [InlineData("Ingest:Kafka:TopicCheckTimeout=-00:00:01", "Ingest:Kafka:TopicCheckTimeout")]
    public async Task InvalidKafkaSettingIsNamedAtStartUp(string setting, string key)
    {
        var failure = await StartFailureAsync("Ingest:Kafka:BootstrapServers=127.0.0.1:1", setting);
        Assert.NotNull(failure);
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KafkaSinkWithoutBootstrapServersIsNamedAtStartUp()
    {
        var failure = await StartFailureAsync("Ingest:Delivery:Sink=Kafka");
        Assert.Contains("Ingest:Kafka:BootstrapServers", failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProducerSettingsPassThroughOverTheDefaults()
    {
        var config = KafkaProducerHandle.Configuration(new KafkaOptions
        {
            BootstrapServers = "b:9092",
            DeliveryTimeout = TimeSpan.FromSeconds(42),
            Producer = { ["linger.ms"] = "20", ["acks"] = "1" },
        });
        Assert.Equal("true", config["enable.idempotence"]);
        Assert.Equal("42000", config["message.timeout.ms"]);
        Assert.Equal("20", config["linger.ms"]);
        Assert.Equal("1", config["acks"]);
        Assert.Equal("b:9092", config["bootstrap.servers"]);
    }
}
