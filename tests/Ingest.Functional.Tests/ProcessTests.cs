using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Ingest.Functional.Tests;

/// <summary>The gateway as an operator runs it: a process, its exit code, its signals.</summary>
public sealed partial class ProcessTests
{
    private static readonly string HostDll = Path.Combine(AppContext.BaseDirectory, "Ingest.Host.dll");

    private static Process Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(HostDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    [Theory]
    [InlineData("--Ingest:Smtp:MaxRecipients=0", "Ingest:Smtp:MaxRecipients")]
    [InlineData("--Ingest:Smtp:MaxRecipients=lots", "Ingest:Smtp:MaxRecipients")]
    [InlineData("--Ingest:Smtp:MaxTransactionsPerSession=-1", "Ingest:Smtp:MaxTransactionsPerSession")]
    [InlineData("--Ingest:Smtp:HostName=bad_host!", "Ingest:Smtp:HostName")]
    [InlineData("--Ingest:Server:Endpoints:0=localhost", "Ingest:Server:Endpoints:0")]
    [InlineData("--Ingest:Smtp:IdleTimeout=-00:00:01", "Ingest:Smtp:IdleTimeout")]
    [InlineData("--Ingest:Delivery:Sink=Nowhere", "Ingest:Delivery:Sink")]
    [InlineData("--Ingest:Smtp:MaxRecipientz=5", "MaxRecipientz")]
    public async Task InvalidConfigurationStopsStartUpNamingTheKey(string setting, string key)
    {
        var directory = Directory.CreateTempSubdirectory("ingest-config-").FullName;
        try
        {
            using var process = Start(directory, setting, "--Ingest:Server:Endpoints:1=127.0.0.1:0");
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(2, process.ExitCode);
            Assert.Contains(key, await stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SigtermDrainsIdleSessionsAndExitsCleanly()
    {
        var directory = Directory.CreateTempSubdirectory("ingest-sigterm-").FullName;
        using var process = Start(directory, "--Ingest:Server:Endpoints:0=127.0.0.1:0", "--Ingest:Management:Endpoint=", "--Ingest:Management:DrainDelay=00:00:00", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information");
        try
        {
            var port = await ReadListeningPortAsync(process);
            await using var client = await RawSmtpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await client.ExpectAsync("220");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await client.ExpectAsync("421 4.3.2");
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<int> ReadListeningPortAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) is { } line)
        {
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                // Keep draining stdout so the process never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("the gateway exited before listening: " + await process.StandardError.ReadToEndAsync());
    }

    [GeneratedRegex(@"Now listening on: \S+:(\d+)")]
    private static partial Regex ListeningLine();
}
