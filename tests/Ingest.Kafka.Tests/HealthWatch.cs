using Ingest.Delivery.Kafka;

namespace Ingest.Kafka.Tests;

/// <summary>
/// Completes when the sink's health becomes (or already is) <c>wanted</c>: the sink's own event,
/// so a test waits for the news itself rather than for librdkafka's timing. Make it before the
/// action that should cause the change, so the change cannot slip past.
/// </summary>
internal sealed class HealthWatch : IDisposable
{
    private readonly KafkaSink _sink;
    private readonly KafkaHealth _wanted;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HealthWatch(KafkaSink sink, KafkaHealth wanted)
    {
        _sink = sink;
        _wanted = wanted;
        sink.HealthChanged += OnChanged;
        OnChanged(sink.Health);
    }

    public Task Reached => _reached.Task;

    private void OnChanged(KafkaHealth health)
    {
        if (health == _wanted)
        {
            _reached.TrySetResult();
        }
    }

    public void Dispose() => _sink.HealthChanged -= OnChanged;
}
