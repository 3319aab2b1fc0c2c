using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ingest.FaultProxy;

/// <summary>One listener per target, a control listener, and every proxied connection, so a command can reach them all.</summary>
internal sealed class FaultProxy(IReadOnlyList<IPEndPoint> targets, bool kafka) : IAsyncDisposable
{
    private readonly List<Socket> _listeners = [];
    private readonly ConcurrentDictionary<ProxiedConnection, byte> _connections = new();
    private readonly TrafficGate _gate = new();
    private readonly List<Task> _loops = [];
    private Socket? _control;
    private CancellationToken _stopping;

    public IReadOnlyList<IPEndPoint> ListenEndPoints => [.. _listeners.Select(listener => (IPEndPoint)listener.LocalEndPoint!)];

    public IPEndPoint ControlEndPoint => (IPEndPoint)_control!.LocalEndPoint!;

    public Task StartAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        foreach (var _ in targets)
        {
            _listeners.Add(Listen());
        }

        _control = Listen();
        // Advertised broker port -> the proxy port in front of it.
        var ports = targets.Select((target, index) => (target.Port, Proxy: ListenEndPoints[index].Port)).ToDictionary(pair => pair.Port, pair => pair.Proxy);
        for (var i = 0; i < targets.Count; i++)
        {
            var (listener, target) = (_listeners[i], targets[i]);
            _loops.Add(Task.Run(() => AcceptLoopAsync(listener, target, kafka ? ports : null), CancellationToken.None));
        }

        _loops.Add(Task.Run(ControlLoopAsync, CancellationToken.None));
        return Task.CompletedTask;
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(512);
        return socket;
    }

    private async Task AcceptLoopAsync(Socket listener, IPEndPoint target, IReadOnlyDictionary<int, int>? kafkaPorts)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var connection = new ProxiedConnection(client, target, _gate, kafkaPorts);
            _connections[connection] = 0;
            _ = Task.Run(async () =>
            {
                await connection.RunAsync(_stopping);
                _connections.TryRemove(connection, out _);
            }, CancellationToken.None);
        }
    }

    private async Task ControlLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                using var socket = await _control!.AcceptAsync(_stopping);
                await using var stream = new NetworkStream(socket);
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { AutoFlush = true, NewLine = "\n" };
                while (await reader.ReadLineAsync(_stopping) is { } line)
                {
                    await writer.WriteLineAsync(Execute(line.Trim()));
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    internal string Execute(string command)
    {
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["reset"]:
                var count = 0;
                foreach (var connection in _connections.Keys)
                {
                    connection.Reset();
                    count++;
                }

                Console.WriteLine($"reset {count} connection(s)");
                return "ok";
            case ["blackhole", var seconds] when double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 3600:
                _gate.CloseFor(TimeSpan.FromSeconds(value));
                Console.WriteLine($"black hole for {value} s");
                return "ok";
            case ["heal"]:
                _gate.Open();
                return "ok";
            default:
                return "error: commands are reset, blackhole SECONDS, heal";
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _listeners.Append(_control).OfType<Socket>())
        {
            socket.Dispose();
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Reset();
        }

        await Task.WhenAll(_loops);
    }
}
