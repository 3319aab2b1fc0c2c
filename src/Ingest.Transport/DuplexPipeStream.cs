using System.Buffers;
using System.IO.Pipelines;

namespace Ingest.Transport;

/// <summary>
/// The connection's pipes as a <see cref="Stream"/>, for <see cref="System.Net.Security.SslStream"/>
/// to read ciphertext from and write it to. Async only (SslStream is only driven asynchronously
/// here), and disposing it leaves the pipes alone: Kestrel completes them when the connection ends.
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe pipe) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await pipe.Input.ReadAsync(cancellationToken);
            var data = result.Buffer;
            var consumed = data.Start;
            try
            {
                if (!data.IsEmpty)
                {
                    // A zero-byte read (SslStream waiting for data without a buffer) returns 0 once
                    // data is there, consuming nothing.
                    if (buffer.IsEmpty)
                    {
                        return 0;
                    }

                    var count = (int)Math.Min(data.Length, buffer.Length);
                    var slice = data.Slice(0, count);
                    slice.CopyTo(buffer.Span);
                    consumed = slice.End;
                    return count;
                }

                if (result.IsCompleted)
                {
                    return 0;
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
            finally
            {
                pipe.Input.AdvanceTo(consumed);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await pipe.Output.WriteAsync(buffer, cancellationToken);
        if (result.IsCompleted)
        {
            throw new IOException("The connection is closed.");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => pipe.Output.FlushAsync(cancellationToken).AsTask();

    public override void Flush() => throw new NotSupportedException("Synchronous I/O is not used on SMTP connections.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous I/O is not used on SMTP connections.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous I/O is not used on SMTP connections.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
