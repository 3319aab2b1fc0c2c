using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ingest.Functional.Tests;

/// <summary>
/// A real HAProxy (Debian package haproxy) in TCP mode on loopback, balancing over the given
/// servers. Its configuration lives in a temporary directory; readiness is its own systemd
/// notification (-Ws with NOTIFY_SOCKET), so nothing polls; Dispose kills it.
/// </summary>
internal sealed class Haproxy : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _directory;

    private Haproxy(Process process, string directory, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        EndPoint = endPoint;
    }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint { get; }

    /// <param name="servers">Each server's address and the options for its "server" line (send-proxy, send-proxy-v2, ...).</param>
    /// <param name="source">The address HAProxy connects to the servers from.</param>
    public static async Task<Haproxy> StartAsync(IReadOnlyList<(IPEndPoint Address, string Options)> servers, IPAddress source)
    {
        var binary = ExternalTool.Haproxy.Require();
        var directory = Directory.CreateTempSubdirectory("ingest-haproxy-").FullName;
        var frontend = new IPEndPoint(IPAddress.Loopback, FreePort());
        var config = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            global
                maxconn 256
                nbthread 1
            defaults
                mode tcp
                timeout connect 10s
                timeout client 60s
                timeout server 60s
            listen smtp
                bind {frontend}
                balance roundrobin

            """));
        for (var i = 0; i < servers.Count; i++)
        {
            config.Append(CultureInfo.InvariantCulture, $"    server gateway{i} {servers[i].Address} {servers[i].Options} source {source}\n");
        }

        var configPath = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configPath, config.ToString());

        // sd_notify: HAProxy in master-worker mode (-Ws) sends READY=1 to this datagram socket once it serves.
        var notifyPath = Path.Combine(directory, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("-Ws");
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(configPath);
        start.Environment["NOTIFY_SOCKET"] = notifyPath;
        var output = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var haproxy = new Haproxy(process, directory, frontend);
        try
        {
            await WaitUntilReadyAsync(notify, process, output);
            return haproxy;
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitUntilReadyAsync(Socket notify, Process process, StringBuilder output)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var exited = process.WaitForExitAsync(timeout.Token);
        var buffer = new byte[4096];
        while (true)
        {
            var received = notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).AsTask();
            if (await Task.WhenAny(received, exited) != received || !received.IsCompletedSuccessfully)
            {
                var why = timeout.IsCancellationRequested ? $"was not ready within {Bound}" : $"exited with {process.ExitCode}";
                throw new InvalidOperationException($"haproxy {why}: {Snapshot(output)}");
            }

            if (Encoding.ASCII.GetString(buffer, 0, received.Result).Split('\n').Contains("READY=1"))
            {
                return;
            }
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>A port the OS just handed out on loopback; HAProxy binds it a moment later.</summary>
    private static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // SIGTERM: the master stops its worker and reaps it, leaving no orphan behind.
            await ChildProcess.StopAsync(_process, Bound);
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
