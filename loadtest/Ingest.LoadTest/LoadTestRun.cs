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
        var runStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stats = await runner.RunAsync(cancellationToken);
        var runEnd = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var verification = options.VerifyMaildir is { } maildir ? MaildirVerifier.Verify(maildir, runner.Ledger) : null;
        KafkaVerification? kafka = null;
        if (options.VerifyKafka is { } bootstrap)
        {
            await Console.Error.WriteLineAsync($"Reading {options.Topic} from {bootstrap}...");
            var (copies, counters) = await Task.Run(() => KafkaTopicScan.Read(bootstrap, options.Topic, options.VerifyIdle, cancellationToken), cancellationToken);
            kafka = KafkaMatcher.Match(options.Topic, runner.Ledger.Records, copies, counters);
        }

        FaultSummary? faults = null;
        if (options.MarksPath is { } marks && File.Exists(marks))
        {
            faults = FaultReport.Build(FaultMarks.Parse(await File.ReadAllLinesAsync(marks, cancellationToken), runEnd), runner.Ledger.Records, kafka?.RefusedButVisible, runStart, runEnd);
        }

        var report = Report.Build(options, runner, stats, verification, kafka, faults);
        Report.Print(report, Console.Out);
        if (options.JsonPath is { } json)
        {
            await Report.WriteJsonAsync(json, report, ReportJsonContext.Default.LoadReport);
        }

        if (options.SvgPath is { } svg)
        {
            SvgChart.Write(svg, report, stats.Latency.Histogram(40));
        }

        if (verification is { Passed: false } || kafka is { Passed: false })
        {
            return ExitCodes.VerificationFailed;
        }

        return stats.ConnectionsOpened == 0 && stats.Attempted == 0 && options.PlannedMessages > 0 ? ExitCodes.NoConnection : ExitCodes.Ok;
    }
}
