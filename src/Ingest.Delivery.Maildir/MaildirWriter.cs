using Microsoft.Win32.SafeHandles;

namespace Ingest.Delivery.Maildir;

/// <summary>One message on its way through tmp/ into new/.</summary>
internal sealed class MaildirWriter(MaildirSink sink, SafeFileHandle handle, string tmpPath, string name, DateTimeOffset receivedAt) : IMessageWriter
{
    private long _offset;
    private bool _completed;

    public async ValueTask<IMessageWriter> StartAsync(byte[] envelopeLines, CancellationToken cancellationToken)
    {
        var result = await WriteAsync(envelopeLines, cancellationToken);
        if (result.IsAccepted)
        {
            return this;
        }

        await DisposeAsync();
        return new FailedMessageWriter(result);
    }

    public async ValueTask<DeliveryResult> WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(handle, chunk, _offset, cancellationToken);
            _offset += chunk.Length;
            return DeliveryResult.Accepted;
        }
        catch (IOException exception)
        {
            // Disk full and friends: the client retries later.
            return DeliveryResult.Temporary(exception.Message);
        }
    }

    public async ValueTask<DeliveryResult> CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Dovecot and Courier take a Maildir file's mtime as the IMAP INTERNALDATE (RFC 3501
            // 2.3.3), which must never change once the message is visible (RFC 3501 2.3.1.1). Set it
            // to when the message arrived, as the file name and the Received header say, before the
            // rename: a copy written later from Kafka then keeps the arrival time, not the copy's.
            File.SetLastWriteTimeUtc(handle, receivedAt.UtcDateTime);
            if (sink.Fsync)
            {
                // The file's bytes reach the disk before its name appears in new/.
                await Task.Run(() => RandomAccess.FlushToDisk(handle), cancellationToken);
            }

            handle.Dispose();
            var finalPath = sink.FinalPath(name, _offset);
            File.Move(tmpPath, finalPath);
            _completed = true;
            if (sink.Fsync)
            {
                await Task.Run(() => DirectorySync.Flush(sink.NewDirectory), cancellationToken);
            }

            return DeliveryResult.Accepted;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return DeliveryResult.Temporary(exception.Message);
        }
    }

    public ValueTask DisposeAsync()
    {
        handle.Dispose();
        if (!_completed)
        {
            // Aborted or failed: nothing of the message may remain.
            try
            {
                File.Delete(tmpPath);
            }
            catch (IOException)
            {
                // tmp/ is for partial files; a leftover there is harmless and the Maildir spec has readers skip it.
            }
        }

        return ValueTask.CompletedTask;
    }
}
