namespace Ingest.LoadTest;

/// <summary>One invocation: the chosen mode, its report on stdout and in files, and the exit code.</summary>
internal static class LoadTestRun
{
    public static async Task<int> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        if (options.IdleConnections is not null)
        {
            var idle = await IdleRunner.RunAsync(options, cancellationToken);
            Report.Print(idle, Console.Out);
            if (options.JsonPath is { } idleJson)
            {
                await Report.WriteJsonAsync(idleJson, idle, ReportJsonContext.Default.IdleResult);
            }

            return idle.Established == 0 ? ExitCodes.NoConnection : ExitCodes.Ok;
        }

        var eml = options.EmlDirectory is { } directory ? EmlLibrary.Load(directory) : null;
        var runner = new LoadRunner(options, new MessageFactory(options.Sizes, eml));
        await Console.Error.WriteLineAsync($"Sending to {options.EndPoint} over {options.Connections} connection(s), at most {options.Duration.TotalSeconds:0.#} s...");
        var stats = await runner.RunAsync(cancellationToken);
        var verification = options.VerifyMaildir is { } maildir ? MaildirVerifier.Verify(maildir, runner.Ledger) : null;
        var report = Report.Build(options, runner, stats, verification);
        Report.Print(report, Console.Out);
        if (options.JsonPath is { } json)
        {
            await Report.WriteJsonAsync(json, report, ReportJsonContext.Default.LoadReport);
        }

        if (options.SvgPath is { } svg)
        {
            SvgChart.Write(svg, report, stats.Latency.Histogram(40));
        }

        if (verification is { Passed: false })
        {
            return ExitCodes.VerificationFailed;
        }

        return stats.ConnectionsOpened == 0 && stats.Attempted == 0 && options.PlannedMessages > 0 ? ExitCodes.NoConnection : ExitCodes.Ok;
    }
}
