using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Ingest.Delivery.Maildir;

/// <summary>One message on its way through tmp/ into new/.</summary>
internal sealed class MaildirWriter(MaildirSink sink, MessageEnvelope envelope, SafeFileHandle handle, string tmpPath, string name) : IMessageWriter
{
    private const int CopyBufferBytes = 64 * 1024;

    private SafeFileHandle _handle = handle;
    private string _tmpPath = tmpPath;
    private byte[] _envelopeLines = [];
    private long _offset;
    private bool _completed;

    public async ValueTask<IMessageWriter> StartAsync(byte[] envelopeLines, CancellationToken cancellationToken)
    {
        _envelopeLines = envelopeLines;
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
            await RandomAccess.WriteAsync(_handle, chunk, _offset, cancellationToken);
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
            if (envelope.Authentication is { } authentication)
            {
                await PrependAsync(authentication.HeaderField, cancellationToken);
            }

            // Dovecot and Courier take a Maildir file's mtime as the IMAP INTERNALDATE (RFC 3501
            // 2.3.3), which must never change once the message is visible (RFC 3501 2.3.1.1). Set it
            // to when the message arrived, as the file name and the Received header say, before the
            // rename: a copy written later from Kafka then keeps the arrival time, not the copy's.
            File.SetLastWriteTimeUtc(_handle, envelope.ReceivedAt.UtcDateTime);
            if (sink.Fsync)
            {
                // The file's bytes reach the disk before its name appears in new/.
                await Task.Run(() => RandomAccess.FlushToDisk(_handle), cancellationToken);
            }

            _handle.Dispose();
            var finalPath = sink.FinalPath(name, _offset);
            File.Move(_tmpPath, finalPath);
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

    /// <summary>
    /// Puts the Authentication-Results field above the trace header (RFC 8601 5), known only now
    /// that the body has streamed: a second file in tmp/ gets the envelope lines and the field, then
    /// the message copied in blocks of <see cref="CopyBufferBytes"/>, and replaces the first.
    /// </summary>
    private async ValueTask PrependAsync(byte[] field, CancellationToken cancellationToken)
    {
        var path = _tmpPath + ".auth";
        var target = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            await RandomAccess.WriteAsync(target, _envelopeLines, 0, cancellationToken);
            await RandomAccess.WriteAsync(target, field, _envelopeLines.Length, cancellationToken);
            var shift = field.Length;
            for (long from = _envelopeLines.Length; from < _offset;)
            {
                var read = await RandomAccess.ReadAsync(_handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, _offset - from)), from, cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"{_tmpPath} is shorter than what was written to it");
                }

                await RandomAccess.WriteAsync(target, buffer.AsMemory(0, read), from + shift, cancellationToken);
                from += read;
            }

            _offset += shift;
        }
        catch
        {
            target.Dispose();
            File.Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _handle.Dispose();
        File.Delete(_tmpPath);
        _handle = target;
        _tmpPath = path;
    }

    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        if (!_completed)
        {
            // Aborted or failed: nothing of the message may remain.
            try
            {
                File.Delete(_tmpPath);
            }
            catch (IOException)
            {
                // tmp/ is for partial files; a leftover there is harmless and the Maildir spec has readers skip it.
            }
        }

        return ValueTask.CompletedTask;
    }
}
