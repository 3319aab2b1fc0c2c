using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Ingest.Testing;

/// <summary>A TcpClient that speaks SMTP byte by byte, for transcripts MailKit would never send.</summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client = new();
    private NetworkStream _stream = null!;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public static async Task<RawSmtpClient> ConnectAsync(IPEndPoint endpoint)
    {
        var client = new RawSmtpClient();
        await client._client.ConnectAsync(endpoint).WaitAsync(Bound);
        client._stream = client._client.GetStream();
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes).AsTask().WaitAsync(Bound);

    /// <summary>One whole reply, continuation lines joined with "\n"; null when the server closed.</summary>
    public async Task<string?> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ')
            {
                return string.Join("\n", lines);
            }
        }

        return lines.Count == 0 ? null : string.Join("\n", lines);
    }

    public async Task<string> ExpectAsync(string codePrefix)
    {
        var reply = await ReadReplyAsync();
        Assert.True(reply is not null && reply.StartsWith(codePrefix, StringComparison.Ordinal), $"expected {codePrefix}, got: {reply ?? "<closed>"}");
        return reply!;
    }

    /// <summary>True when the server has closed the connection (after any remaining replies are consumed).</summary>
    public async Task<bool> IsClosedAsync() => await ReadLineAsync() is null;

    private async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end)).AsTask().WaitAsync(Bound);
            }
            catch (IOException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
