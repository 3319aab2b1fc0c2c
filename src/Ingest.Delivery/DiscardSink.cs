namespace Ingest.Delivery;

/// <summary>Accepts everything and keeps nothing: the ceiling for benchmarks and load tests.</summary>
public sealed class DiscardSink : IMessageSink
{
    private long _messages;
    private long _bytes;

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    public ValueTask<IMessageWriter> BeginAsync(MessageEnvelope envelope, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IMessageWriter>(new Writer(this));

    private sealed class Writer(DiscardSink sink) : IMessageWriter
    {
        private long _length;

        public ValueTask<DeliveryResult> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            _length += chunk.Length;
            return ValueTask.FromResult(DeliveryResult.Accepted);
        }

        public ValueTask<DeliveryResult> CompleteAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref sink._messages);
            Interlocked.Add(ref sink._bytes, _length);
            return ValueTask.FromResult(DeliveryResult.Accepted);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
