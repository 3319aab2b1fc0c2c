using System.Globalization;
using System.Text.Json;

namespace Ingest.LoadTest;

/// <summary>Turns a run into a <see cref="LoadReport"/>, a table on stdout and a JSON file.</summary>
internal static class Report
{
    // MB is 10^6 octets of message content accepted (as stored, before dot-stuffing).
    private const double Megabyte = 1_000_000;

    public static LoadReport Build(LoadOptions options, LoadRunner runner, RunStatistics stats, VerificationResult? verification, KafkaVerification? kafka, FaultSummary? faults)
    {
        var elapsed = runner.Elapsed.TotalSeconds;
        var notes = new List<string>();
        if (runner.CutShort)
        {
            notes.Add(options.StopFile is { } stop && File.Exists(stop)
                ? $"--stop-file {stop} ended the run before all {options.PlannedMessages} messages were sent."
                : $"--duration {options.Duration.TotalSeconds:0.#} s ended the run before all {options.PlannedMessages} messages were sent.");
        }

        if (runner.PipeliningFellBack)
        {
            notes.Add("The server did not offer PIPELINING; commands were sent one by one.");
        }

        return new LoadReport(
            Target: options.EndPoint.ToString(),
            Connections: options.Connections,
            Transfer: (options.MixedTransfer ? "DATA or BDAT" : options.Bdat ? "BDAT" : "DATA") + (options.Pipelining ? ", pipelined" : ", one command at a time") +
                (options.ReconnectAfter is { } reconnect ? $", a new connection every {reconnect} message(s)" : ""),
            Messages: options.EmlDirectory is { } eml ? "files from " + eml : "generated, sizes " + options.Sizes,
            TargetRate: options.Rate,
            DurationLimitSeconds: options.Duration.TotalSeconds,
            CutShortByDuration: runner.CutShort,
            ElapsedSeconds: elapsed,
            Attempted: stats.Attempted,
            Replied250: stats.Codes.GetValueOrDefault(250),
            OtherCodes: stats.Codes.Where(pair => pair.Key != 250).OrderBy(pair => pair.Key)
                .ToDictionary(pair => pair.Key.ToString(CultureInfo.InvariantCulture), pair => pair.Value),
            Unanswered: stats.Unanswered,
            ConnectionsOpened: stats.ConnectionsOpened,
            ConnectionErrors: stats.ConnectionErrors.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(),
            Tls: TlsReport.Create(options.Tls, stats.TlsSessions),
            MessagesPerSecond: elapsed > 0 ? stats.Accepted / elapsed : 0,
            MegabytesPerSecond: elapsed > 0 ? stats.AcceptedBytes / Megabyte / elapsed : 0,
            ClientCpuSeconds: runner.ClientCpu.TotalSeconds,
            LatencyMs: stats.Latency.Summarize(),
            MaxScheduleLagMs: options.Rate is null ? null : stats.MaxScheduleLag.TotalMilliseconds,
            Timeline: stats.Timeline.Samples(),
            Verification: verification,
            Abandoned: stats.Abandoned,
            Sender: SenderSummary.Build(runner.Ledger.Records, options.Retry),
            Kafka: kafka,
            Faults: faults,
            Notes: notes);
    }

    public static void Print(LoadReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Ingest load test against {report.Target}: {report.Connections} connection(s), {report.Transfer}, {report.Messages}");
        if (report.TargetRate is { } rate)
        {
            output.WriteLine(Invariant($"Open loop at {rate:0.##} msgs/s; largest lag behind schedule {report.MaxScheduleLagMs:0.##} ms"));
        }

        Section(output, "Messages");
        Row(output, "attempted", report.Attempted);
        Row(output, "250", report.Replied250);
        foreach (var (code, count) in report.OtherCodes)
        {
            Row(output, code, count);
        }

        Row(output, "no final reply", report.Unanswered);
        if (report.Abandoned > 0)
        {
            Row(output, "broken off mid-data on purpose", report.Abandoned);
        }

        PrintSender(report.Sender, output);
        Section(output, "Connections");
        Row(output, "opened", report.ConnectionsOpened);
        Row(output, "errors", report.ConnectionErrorCount);
        foreach (var (reason, count) in report.ConnectionErrors)
        {
            Row(output, "  " + reason, count);
        }

        PrintTls(report.Tls, output);
        Section(output, "Throughput");
        Row(output, "elapsed", Invariant($"{report.ElapsedSeconds:0.00} s (limit {report.DurationLimitSeconds:0.#} s)"));
        Row(output, "messages/s", Invariant($"{report.MessagesPerSecond:0.0}"));
        Row(output, "MB/s", Invariant($"{report.MegabytesPerSecond:0.00}"));
        // The client shares the machine with the gateway on loopback: its CPU is the gateway's loss.
        Row(output, "load tool CPU", Invariant($"{report.ClientCpuSeconds:0.00} s") +
            (report.Replied250 > 0 ? Invariant($", {report.ClientCpuSeconds * 1e6 / report.Replied250:0} us/msg") : ""));
        var latency = report.LatencyMs;
        Section(output, Invariant($"Latency, end of data to final reply ({latency.Count} samples)"));
        foreach (var (name, value) in new[] { ("p50", latency.P50), ("p90", latency.P90), ("p99", latency.P99), ("max", latency.Max) })
        {
            Row(output, name, Invariant($"{value:0.000} ms"));
        }

        if (report.Verification is { } verification)
        {
            PrintVerification(verification, output);
        }

        if (report.Kafka is { } kafka)
        {
            PrintKafka(kafka, output);
        }

        if (report.Faults is { } faults)
        {
            PrintFaults(faults, output);
        }

        foreach (var note in report.Notes)
        {
            output.WriteLine("Note: " + note);
        }
    }

    public static void Print(IdleResult result, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Ingest idle connection test");
        Row(output, "requested", result.Requested);
        Row(output, "established (EHLO done)", result.Established);
        foreach (var (reason, count) in result.ConnectFailures)
        {
            Row(output, "  failed: " + reason, count);
        }

        var notTried = result.Requested - result.Established - result.ConnectFailures.Values.Sum();
        if (notTried > 0)
        {
            Row(output, "  not attempted in time", notTried);
        }

        Row(output, "held for", Invariant($"{result.HeldSeconds:0.0} s"));
        Row(output, "stayed open", result.StayedOpen);
        foreach (var (reason, count) in result.ClosedEarly)
        {
            Row(output, "  closed early: " + reason, count);
        }

        if (result.FirstCloseSeconds is { } first)
        {
            Row(output, "  first early close at", Invariant($"{first:0.0} s"));
        }

        Row(output, "QUIT answered 221", result.QuitAnswered221);
        PrintTls(result.Tls, output);
    }

    public static async Task WriteJsonAsync<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, value, type);
    }

    /// <summary>Nothing for plaintext; otherwise the mode once, and connections per negotiated protocol and cipher suite.</summary>
    private static void PrintTls(TlsReport? tls, TextWriter output)
    {
        if (tls is null)
        {
            return;
        }

        var mode = tls.Mode == "starttls" ? "STARTTLS (RFC 3207)" : "implicit TLS (RFC 8314)";
        Section(output, $"TLS: {mode} to {tls.ServerName}, certificate {(tls.CertificateChecked ? "checked" : "NOT checked (--tls-insecure)")}, " +
            (tls.Resumable ? "sessions resumed where possible" : "full handshakes only"));
        foreach (var (session, count) in tls.Sessions)
        {
            Row(output, "  " + session, count);
        }
    }

    private static void PrintVerification(VerificationResult verification, TextWriter output)
    {
        Section(output, "Verification of " + verification.Directory);
        Row(output, "files", verification.Files);
        Row(output, "accepted by the gateway", verification.Accepted);
        Row(output, "found", verification.Found);
        Row(output, "lost", verification.Lost);
        Row(output, "duplicated", verification.Duplicated);
        Row(output, "corrupted", verification.Corrupted);
        Row(output, "partial", verification.Partial);
        Row(output, "stored without a 250", verification.DeliveredWithout250);
        Row(output, "from other runs", verification.FromOtherRuns);
        Row(output, "without an id header", verification.WithoutIdHeader);
        foreach (var (name, sample) in new[] { ("lost", verification.LostSample), ("duplicated", verification.DuplicatedSample), ("corrupted", verification.CorruptedSample) })
        {
            if (sample.Count > 0)
            {
                output.WriteLine($"  {name}, e.g.: {string.Join(", ", sample)}");
            }
        }

        output.WriteLine(verification.Passed ? "  PASSED: nothing lost or corrupted" : "  FAILED: messages lost, corrupted or partial");
    }

    private static void PrintSender(SenderSummary sender, TextWriter output)
    {
        if (sender.Attempts == sender.Messages)
        {
            return;
        }

        Section(output, "Messages, as the sender saw them over all attempts");
        Row(output, "messages offered", sender.Messages);
        Row(output, "attempts", sender.Attempts);
        Row(output, "accepted on the first attempt", sender.AcceptedFirstTry);
        Row(output, "accepted after retries", sender.AcceptedAfterRetries);
        Row(output, "accepted more than once", sender.AcceptedMoreThanOnce);
        Row(output, "refused for good (5xx)", sender.RefusedPermanently);
        Row(output, "given up (attempts exhausted)", sender.GaveUp);
        Row(output, "unfinished at the end of the run", sender.Unfinished);
        Row(output, "most attempts for one message", sender.MostAttempts);
        output.WriteLine(sender.EveryMessageAcceptedOnce
            ? "  every message eventually accepted exactly once"
            : $"  NOT every message accepted exactly once: {sender.Messages - sender.AcceptedExactlyOnce} not");
    }

    private static void PrintKafka(KafkaVerification kafka, TextWriter output)
    {
        Section(output, "Verification of Kafka topic " + kafka.Topic);
        Row(output, "whole messages in the topic", kafka.Copies);
        Row(output, "messages offered", kafka.Offered);
        Row(output, "accepted (a 2xx)", kafka.Accepted);
        Row(output, "found", kafka.Found);
        Row(output, "lost", kafka.Lost);
        Row(output, "corrupted", kafka.Corrupted);
        Row(output, "partial", kafka.Partial);
        Row(output, "whole after a mid-data break", kafka.VisibleAfterAbandon);
        Row(output, "duplicated", kafka.Duplicated);
        foreach (var (cause, count) in kafka.DuplicatesByCause)
        {
            Row(output, "  extra copy: " + cause, count);
        }

        Row(output, "visible after a refusal", kafka.VisibleAfterRefusal);
        foreach (var (cause, count) in kafka.CopiesByCause)
        {
            Row(output, "copies from attempts: " + cause, count);
        }

        Row(output, "from other runs", kafka.FromOtherRuns);
        Row(output, "without an id header", kafka.WithoutIdHeader);
        var counters = kafka.Reassembler;
        output.WriteLine(Invariant($"  Reassembler: {counters.Completed} completed, {counters.Duplicates} duplicate records, {counters.Aborted} aborts, {counters.Corrupt} corrupt, {counters.Incomplete} incomplete, {counters.Expired + counters.Evicted} dropped unfinished, {counters.Foreign} foreign"));
        foreach (var (name, sample) in new[] { ("lost", kafka.LostSample), ("corrupted", kafka.CorruptedSample), ("partial", kafka.PartialSample), ("duplicated", kafka.DuplicatedSample) })
        {
            if (sample.Count > 0)
            {
                output.WriteLine($"  {name}, e.g.: {string.Join(", ", sample)}");
            }
        }

        foreach (var line in kafka.Suspicious)
        {
            output.WriteLine("  unexplained copy: " + line);
        }

        output.WriteLine(kafka.Passed ? "  PASSED: nothing lost, corrupted or partial" : "  FAILED: messages lost, corrupted or partial");
    }

    private static void PrintFaults(FaultSummary faults, TextWriter output)
    {
        Section(output, "Per fault (attempts ended during it: 250, 4xx, 5xx, no reply, broken off; latency of 250s in ms; recovery: fault end to first 250; gap: longest without a 250; 451 visible: refused with 4xx yet whole in the topic / all 4xx)");
        output.WriteLine("  fault                     at s  len s   250   4xx  5xx  none  brk  p50/p99 during   p50/p99 after  recovery ms  gap ms  451 visible");
        output.WriteLine(Invariant($"  {"(before)",-24} {"",5} {"",6} {Phase(faults.Before)}"));
        foreach (var fault in faults.Faults)
        {
            output.WriteLine(Invariant($"  {fault.Name,-24} {fault.StartSeconds,5:0} {fault.DurationSeconds,6:0.0} {Phase(fault.During)} {Latency(fault.After),15} {fault.RecoveryMs?.ToString(CultureInfo.InvariantCulture) ?? "-",12} {fault.LongestGapWithout250Ms,7} {fault.VisibleAfterRefusal?.ToString(CultureInfo.InvariantCulture) ?? "-",5}/{fault.Refused4xx}"));
        }
    }

    private static string Phase(PhaseStatistics phase) =>
        Invariant($"{phase.Accepted,5} {phase.Transient,5} {phase.Permanent,4} {phase.NoReply,5} {phase.Abandoned,4} {Latency(phase),15}");

    private static string Latency(PhaseStatistics phase) =>
        phase.P50Ms is { } p50 ? Invariant($"{p50:0.0}/{phase.P99Ms:0.0}") : "-";

    private static void Section(TextWriter output, string title)
    {
        output.WriteLine();
        output.WriteLine(title);
    }

    private static void Row(TextWriter output, string label, long value) =>
        Row(output, label, value.ToString("N0", CultureInfo.InvariantCulture));

    private static void Row(TextWriter output, string label, string value) =>
        output.WriteLine($"  {label,-44}{value,12}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
