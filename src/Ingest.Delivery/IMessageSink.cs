namespace Ingest.Delivery;

/// <summary>
/// Where accepted mail goes. A sink receives each message as it arrives: an envelope first, then
/// the body as a sequence of buffers, then a request to make it durable. The SMTP session replies
/// 250 only when <see cref="IMessageWriter.CompleteAsync"/> returns <see cref="DeliveryStatus.Accepted"/>.
/// </summary>
public interface IMessageSink
{
    /// <summary>Starts a message. A failure is returned as data through the writer's first call.</summary>
    ValueTask<IMessageWriter> BeginAsync(MessageEnvelope envelope, CancellationToken cancellationToken);
}
