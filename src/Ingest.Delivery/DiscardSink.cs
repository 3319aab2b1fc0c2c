namespace Ingest.Delivery;

/// <summary>Accepts everything and keeps nothing: the ceiling for benchmarks and load tests.</summary>
public sealed class DiscardSink : IMessageSink
{
    // Stateless, so one writer serves every message: discarding costs no allocation per message.
    private static readonly IMessageWriter Writer = new DiscardWriter();

    public ValueTask<IMessageWriter> BeginAsync(MessageEnvelope envelope, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Writer);

    private sealed class DiscardWriter : IMessageWriter
    {
        public ValueTask<DeliveryResult> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) =>
            ValueTask.FromResult(DeliveryResult.Accepted);

        public ValueTask<DeliveryResult> CompleteAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(DeliveryResult.Accepted);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
