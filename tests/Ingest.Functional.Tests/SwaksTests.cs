using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ingest.Functional.Tests;

/// <summary>
/// The README's quick start as a test: swaks, an SMTP client nobody here wrote, sends to the
/// gateway on the embedded default (a Maildir). A tool test: skipped, naming the install command,
/// where swaks is missing.
/// </summary>
public sealed class SwaksTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [ToolFact("swaks")]
    public async Task SwaksSendsTheQuickStartMessageIntoTheMaildir()
    {
        await using var gateway = await RunningGateway.StartAsync();
        var start = new ProcessStartInfo(ExternalTool.Swaks.Require())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--server", $"{gateway.EndPoint.Address}:{gateway.EndPoint.Port.ToString(CultureInfo.InvariantCulture)}",
            "--from", "bob@example.org", "--to", "alice@example.com", "--body", "hello", "--helo", "swaks.example",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var swaks = Process.Start(start)!;
        var transcript = swaks.StandardOutput.ReadToEndAsync();
        var errors = swaks.StandardError.ReadToEndAsync();
        try
        {
            await swaks.WaitForExitAsync().WaitAsync(Bound);
        }
        finally
        {
            if (!swaks.HasExited)
            {
                swaks.Kill();
            }
        }

        var text = await transcript + await errors;
        Assert.True(swaks.ExitCode == 0, text);
        // The README's promise: the last replies are the queue id and the goodbye.
        var id = text.Split('\n').Single(line => line.Contains("<-  250 2.0.0 OK: queued as ", StringComparison.Ordinal)).Trim().Split(' ')[^1];
        Assert.Contains("<-  221 2.0.0", text, StringComparison.Ordinal);
        var file = Assert.Single(gateway.DeliveredFiles());
        Assert.Contains("." + id + ".", Path.GetFileName(file), StringComparison.Ordinal);
        var delivered = Encoding.UTF8.GetString(MaildirFile.Read(file).Message);
        Assert.Contains("\r\n\r\nhello\r\n", delivered, StringComparison.Ordinal);
        Assert.Contains("From: bob@example.org\r\n", delivered, StringComparison.Ordinal);
    }
}
