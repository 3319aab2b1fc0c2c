using System.Diagnostics;
using System.Globalization;

namespace Ingest.Testing;

/// <summary>Short commands, and servers stopped the way their own init scripts stop them.</summary>
public static class ChildProcess
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Runs a command to its end; its standard output, trimmed. A non-zero exit fails, with its standard error.</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Bound);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }

        return (await output).Trim();
    }

    /// <summary>
    /// SIGTERM, so a master process stops the workers it started and reaps them (no orphan left
    /// behind); SIGKILL to the whole tree if it has not exited within <paramref name="bound"/>.
    /// </summary>
    public static async Task StopAsync(Process process, TimeSpan bound)
    {
        if (process.HasExited)
        {
            return;
        }

        await RunAsync("kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture));
        try
        {
            await process.WaitForExitAsync().WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(bound);
        }
    }
}
