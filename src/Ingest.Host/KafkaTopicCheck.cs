using Ingest.Delivery.Kafka;
using Microsoft.Extensions.Options;

namespace Ingest.Host;

/// <summary>
/// Before the SMTP listeners open, when the Kafka sink is in use: the routed topics are described
/// (waiting at most Ingest:Kafka:TopicCheckTimeout for the brokers) and then kept under watch. A
/// topic limit the gateway cannot fit its records under stops start-up, naming the key that routes
/// there; a missing or refused topic does not (it is logged, counted and refused per message), nor
/// do brokers that are down: the gateway must start while Kafka is away.
/// </summary>
internal sealed class KafkaTopicCheck(IServiceProvider services, IOptions<DeliveryOptions> delivery, IOptions<KafkaOptions> kafka) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (delivery.Value.Effective(kafka.Value) != SinkKind.Kafka)
        {
            return;
        }

        var errors = await services.GetRequiredService<KafkaSink>().StartAsync().WaitAsync(cancellationToken);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(KafkaOptions.Section, typeof(KafkaOptions), errors);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
