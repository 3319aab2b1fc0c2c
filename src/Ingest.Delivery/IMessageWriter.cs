namespace Ingest.Delivery;

/// <summary>
/// One message on its way into a sink. Calls are sequential. Disposing a writer that was not
/// completed aborts it: nothing of it may become visible (no partial mail, ever).
/// </summary>
public interface IMessageWriter : IAsyncDisposable
{
    /// <summary>
    /// Appends body bytes. <paramref name="chunk"/> is only valid until the returned task completes;
    /// a sink that keeps bytes copies them. A non-accepted result means the message has failed:
    /// the caller stops writing and reports the result.
    /// </summary>
    ValueTask<DeliveryResult> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken);

    /// <summary>All bytes were written; returns once the message is durable, or why it is not.</summary>
    ValueTask<DeliveryResult> CompleteAsync(CancellationToken cancellationToken);
}
