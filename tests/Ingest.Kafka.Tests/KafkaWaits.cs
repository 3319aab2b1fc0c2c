using Ingest.Delivery.Kafka;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Ingest.Kafka.Tests;

/// <summary>Waits on the sink's own events (its metrics, its budget), bounded, never by polling a clock.</summary>
internal static class KafkaWaits
{
    public static MetricCollector<long> Rebuilds(KafkaGateway gateway) => new(gateway.Sink.Metrics.Meter, "kafka.producer.rebuilds");

    public static MetricCollector<long> Records(KafkaGateway gateway) => new(gateway.Sink.Metrics.Meter, "kafka.producer.records");

    public static Task ProducerRebuiltAsync(MetricCollector<long> rebuilds, TimeSpan bound) => rebuilds.WaitForMeasurementsAsync(1, bound);

    public static Task RecordProducedAsync(MetricCollector<long> produced, TimeSpan bound) => produced.WaitForMeasurementsAsync(1, bound);

    /// <summary>Completes when every byte of the in-flight budget is back: taking all of it waits exactly for that.</summary>
    public static async Task BudgetReturnedAsync(KafkaSink sink, TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        var taken = await sink.Budget.AcquireAsync(sink.Budget.Capacity, timeout.Token);
        sink.Budget.Release(taken);
    }
}
