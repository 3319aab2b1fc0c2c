using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ingest.Testing;

/// <summary>
/// franz-go's kfake, the independent Kafka-protocol broker (see ../shared/kafka-broker/README.md),
/// as a child process on loopback ports the OS picks. Ready once it prints its listen line, so
/// nothing polls; disposing stops it with SIGTERM. Everything it holds is in memory and goes with it.
/// </summary>
public sealed class KfakeBroker : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const string ListeningPrefix = "kfake listening on ";

    private readonly Process _process;

    private KfakeBroker(Process process, string bootstrapServers)
    {
        _process = process;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>host:port of every broker, comma-separated.</summary>
    public string BootstrapServers { get; }

    /// <summary>
    /// Starts kfake; the test fails (naming the install command) where the binary is missing. With
    /// <paramref name="autoCreate"/> false, a topic nobody created stays missing (UNKNOWN_TOPIC_OR_PART);
    /// <paramref name="maxMessageBytes"/> is the broker's message.max.bytes, every topic's default limit.
    /// </summary>
    public static async Task<KfakeBroker> StartAsync(int brokers = 1, int partitions = 3, bool autoCreate = true, int maxMessageBytes = 10_485_760)
    {
        var start = new ProcessStartInfo(ExternalTool.Kfake.Require())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "-port", "0",
            "-brokers", brokers.ToString(CultureInfo.InvariantCulture),
            "-partitions", partitions.ToString(CultureInfo.InvariantCulture),
            // A produce batch of several near-1 MB records must fit (kfake's default is Kafka's 1 MB).
            "-max-message-bytes", maxMessageBytes.ToString(CultureInfo.InvariantCulture),
            "-auto-create=" + (autoCreate ? "true" : "false"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(Bound);
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
                {
                    // Keep draining its output so a chatty broker never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new KfakeBroker(process, line[ListeningPrefix.Length..].Trim());
                }
            }

            throw new InvalidOperationException($"kfake exited before listening: {errors}");
        }
        catch
        {
            await StopAsync(process);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_process);
        _process.Dispose();
    }

    // SIGTERM, the way kfake stops cleanly; SIGKILL if it has not exited within the bound.
    private static Task StopAsync(Process process) => ChildProcess.StopAsync(process, Bound);
}
