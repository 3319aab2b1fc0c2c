using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ingest.FaultProxy;

/// <summary>
/// One client connection and its upstream twin, pumped both ways. With Kafka port rewriting on,
/// both directions are read frame by frame (Kafka frames are a 4-byte big-endian size and the
/// body): requests to remember which correlation ids are Metadata requests, responses to rewrite those.
/// </summary>
internal sealed class ProxiedConnection(Socket client, IPEndPoint target, TrafficGate gate, IReadOnlyDictionary<int, int>? kafkaPorts)
{
    private const short MetadataApiKey = 3;

    private readonly Socket _upstream = new(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly Dictionary<int, short> _metadataRequests = [];
    private int _reset;

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            client.NoDelay = true;
            // A black hole swallows new connections too: the client's SYN is answered (by our kernel), nothing more.
            await gate.WaitOpenAsync(stopping);
            await _upstream.ConnectAsync(target, stopping);
            var up = kafkaPorts is null ? PumpAsync(client, _upstream, stopping) : KafkaRequestsAsync(stopping);
            var down = kafkaPorts is null ? PumpAsync(_upstream, client, stopping) : KafkaResponsesAsync(stopping);
            await Task.WhenAny(up, down);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or IOException or ObjectDisposedException or InvalidDataException)
        {
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Closes both sides with a reset (SO_LINGER 0), as a middlebox that drops the connection state does.</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _reset, 1) != 0)
        {
            return;
        }

        foreach (var socket in new[] { client, _upstream })
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
            }

            socket.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken stopping)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                await gate.WaitOpenAsync(stopping);
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, stopping);
                if (read == 0)
                {
                    return;
                }

                await gate.WaitOpenAsync(stopping);
                await SendAllAsync(to, buffer.AsMemory(0, read), stopping);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task KafkaRequestsAsync(CancellationToken stopping)
    {
        while (await ReadFrameAsync(client, stopping) is { } frame)
        {
            // Request header: api_key int16, api_version int16, correlation_id int32 (every version).
            if (frame.Length >= 12 && BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(4)) == MetadataApiKey)
            {
                lock (_metadataRequests)
                {
                    _metadataRequests[BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(8))] = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(6));
                }
            }

            await gate.WaitOpenAsync(stopping);
            await SendAllAsync(_upstream, frame, stopping);
        }
    }

    private async Task KafkaResponsesAsync(CancellationToken stopping)
    {
        while (await ReadFrameAsync(_upstream, stopping) is { } frame)
        {
            if (frame.Length >= 8)
            {
                short version;
                bool metadata;
                lock (_metadataRequests)
                {
                    metadata = _metadataRequests.Remove(BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)), out version);
                }

                if (metadata)
                {
                    try
                    {
                        MetadataPorts.Rewrite(frame.AsSpan(4), version, kafkaPorts!);
                    }
                    catch (Exception exception) when (exception is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidDataException)
                    {
                        // A layout this parser does not know: passed on as it is (the client then goes to the broker directly).
                        await Console.Error.WriteLineAsync($"Metadata v{version} response not understood: passed on unchanged");
                    }
                }
            }

            await gate.WaitOpenAsync(stopping);
            await SendAllAsync(client, frame, stopping);
        }
    }

    /// <summary>A whole frame, size prefix included; null at a clean end of stream.</summary>
    private async Task<byte[]?> ReadFrameAsync(Socket from, CancellationToken stopping)
    {
        var size = new byte[4];
        await gate.WaitOpenAsync(stopping);
        if (!await ReadExactlyAsync(from, size, stopping))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(size);
        if (length is < 0 or > 256 * 1024 * 1024)
        {
            throw new InvalidDataException("not a Kafka frame");
        }

        var frame = new byte[4 + length];
        size.CopyTo(frame, 0);
        return await ReadExactlyAsync(from, frame.AsMemory(4), stopping) ? frame : throw new InvalidDataException("truncated frame");
    }

    private static async Task<bool> ReadExactlyAsync(Socket from, Memory<byte> buffer, CancellationToken stopping)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = await from.ReceiveAsync(buffer[done..], SocketFlags.None, stopping);
            if (read == 0)
            {
                return false;
            }

            done += read;
        }

        return true;
    }

    private static async Task SendAllAsync(Socket to, ReadOnlyMemory<byte> bytes, CancellationToken stopping)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await to.SendAsync(bytes, SocketFlags.None, stopping);
            bytes = bytes[sent..];
        }
    }
}
