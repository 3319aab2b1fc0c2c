namespace Ingest.Delivery;

/// <summary>A writer for a message that could not even start: every call reports why.</summary>
public sealed class FailedMessageWriter(DeliveryResult failure) : IMessageWriter
{
    public ValueTask<DeliveryResult> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) => ValueTask.FromResult(failure);

    public ValueTask<DeliveryResult> CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(failure);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
