using System.Collections.Concurrent;
using Ingest.Delivery;

namespace Ingest.Session.Tests;

/// <summary>A sink that records what it is given and fails or stalls on request.</summary>
public sealed class TestSink : IMessageSink
{
    public enum Behaviour
    {
        Accept,
        FailOnBegin,
        FailOnWrite,
        FailOnComplete,
        FailPermanentlyOnComplete,
        MisconfiguredOnComplete,
        ThrowOnComplete,
        StallComplete,
    }

    public Behaviour Mode { get; set; } = Behaviour.Accept;

    public ConcurrentQueue<DeliveredMessage> Delivered { get; } = new();

    public ConcurrentQueue<MessageEnvelope> Aborted { get; } = new();

    public TaskCompletionSource StallRelease { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource StallReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a message is delivered or aborted.</summary>
    public TaskCompletionSource<bool> Settled { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask<IMessageWriter> BeginAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        IMessageWriter writer = Mode == Behaviour.FailOnBegin
            ? new FailedMessageWriter(DeliveryResult.Temporary("test: begin failed"))
            : new Writer(this, envelope);
        return ValueTask.FromResult(writer);
    }

    public DeliveredMessage Single() => Assert.Single(Delivered);

    private sealed class Writer(TestSink sink, MessageEnvelope envelope) : IMessageWriter
    {
        private readonly MemoryStream _body = new();
        private bool _completed;

        public ValueTask<DeliveryResult> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
        {
            if (sink.Mode == Behaviour.FailOnWrite && _body.Length > 0)
            {
                return ValueTask.FromResult(DeliveryResult.Temporary("test: write failed"));
            }

            _body.Write(chunk.Span);
            return ValueTask.FromResult(DeliveryResult.Accepted);
        }

        public async ValueTask<DeliveryResult> CompleteAsync(CancellationToken cancellationToken)
        {
            switch (sink.Mode)
            {
                case Behaviour.FailOnComplete:
                    return DeliveryResult.Temporary("test: complete failed");
                case Behaviour.FailPermanentlyOnComplete:
                    return DeliveryResult.Permanent("test: rejected");
                case Behaviour.MisconfiguredOnComplete:
                    return DeliveryResult.Misconfigured("test: topic missing");
                case Behaviour.ThrowOnComplete:
                    throw new InvalidOperationException("test: sink threw");
                case Behaviour.StallComplete:
                    sink.StallReached.TrySetResult();
                    await sink.StallRelease.Task.WaitAsync(cancellationToken);
                    break;
            }

            _completed = true;
            sink.Delivered.Enqueue(new DeliveredMessage(envelope, _body.ToArray()));
            sink.Settled.TrySetResult(true);
            return DeliveryResult.Accepted;
        }

        public ValueTask DisposeAsync()
        {
            if (!_completed)
            {
                sink.Aborted.Enqueue(envelope);
                sink.Settled.TrySetResult(false);
            }

            return ValueTask.CompletedTask;
        }
    }
}

public sealed record DeliveredMessage(MessageEnvelope Envelope, byte[] Data)
{
    /// <summary>The message without the Received header the session prepends.</summary>
    public byte[] Body
    {
        get
        {
            // The trace header always ends with its date in UTC (ReceivedHeader.AppendDate), so a body
            // that itself starts with a tab is not mistaken for a folded continuation line.
            var end = Data.AsSpan().IndexOf(" +0000\r\n"u8);
            if (end >= 0)
            {
                return Data[(end + 8)..];
            }

            throw new InvalidOperationException("no Received header");
        }
    }

    public string ReceivedHeader => System.Text.Encoding.UTF8.GetString(Data, 0, Data.Length - Body.Length);
}
