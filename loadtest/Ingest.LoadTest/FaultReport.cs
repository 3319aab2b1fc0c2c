namespace Ingest.LoadTest;

/// <summary>
/// Replies, latency, recovery and refused-but-visible messages around each fault. "During" is the
/// fault's window; "after" runs from its end to the next fault's start (or the end of the run);
/// "before" is everything before the first fault. Recovery is the time from the fault's end to
/// the first 250 after it; the longest gap is the longest time without any 250 from the fault's
/// start until the next one's.
/// </summary>
internal static class FaultReport
{
    public static FaultSummary Build(IReadOnlyList<FaultWindow> faults, IEnumerable<SentRecord> records, IReadOnlyList<VisibleAfterRefusal>? visible, long runStartUnixMs, long runEndUnixMs)
    {
        var attempts = records.SelectMany(record => record.Attempts).Where(attempt => attempt.EndedUnixMs > 0).OrderBy(attempt => attempt.EndedUnixMs).ToList();
        var firstStart = faults.Count > 0 ? faults[0].StartUnixMs : runEndUnixMs;
        var phases = new List<FaultPhase>();
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            var next = i + 1 < faults.Count ? faults[i + 1].StartUnixMs : runEndUnixMs;
            var firstAccepted = attempts.FirstOrDefault(attempt => attempt.Accepted && attempt.EndedUnixMs >= fault.EndUnixMs);
            phases.Add(new FaultPhase(
                Name: fault.Name,
                StartSeconds: (fault.StartUnixMs - runStartUnixMs) / 1000.0,
                DurationSeconds: Math.Max(0, fault.EndUnixMs - fault.StartUnixMs) / 1000.0,
                During: Summarize(attempts, fault.StartUnixMs, fault.EndUnixMs),
                After: Summarize(attempts, fault.EndUnixMs, Math.Max(fault.EndUnixMs, next)),
                RecoveryMs: firstAccepted is null ? null : firstAccepted.EndedUnixMs - fault.EndUnixMs,
                LongestGapWithout250Ms: LongestGap(attempts, fault.StartUnixMs, Math.Max(fault.EndUnixMs, next)),
                Refused4xx: attempts.Count(attempt => attempt.Code is >= 400 and < 500 && In(attempt.EndedUnixMs, fault.StartUnixMs, next)),
                VisibleAfterRefusal: visible?.Count(copy => In(copy.RefusedUnixMs, fault.StartUnixMs, next))));
        }

        return new FaultSummary(Summarize(attempts, runStartUnixMs, firstStart), phases);
    }

    private static bool In(long at, long from, long to) => at >= from && at < to;

    private static PhaseStatistics Summarize(List<SendAttempt> attempts, long from, long to)
    {
        var window = attempts.Where(attempt => In(attempt.EndedUnixMs, from, to)).ToList();
        var latencies = window.Where(attempt => attempt.Accepted && attempt.LatencyMs is not null).Select(attempt => attempt.LatencyMs!.Value).Order().ToArray();
        return new PhaseStatistics(
            Attempts: window.Count,
            Accepted: window.Count(attempt => attempt.Accepted),
            Transient: window.Count(attempt => attempt.End == AttemptEnd.Replied && attempt.Code is >= 400 and < 500),
            Permanent: window.Count(attempt => attempt.End == AttemptEnd.Replied && attempt.Code >= 500),
            NoReply: window.Count(attempt => attempt.End is AttemptEnd.ConnectionLost or AttemptEnd.TimedOut or AttemptEnd.CutOff),
            Abandoned: window.Count(attempt => attempt.End == AttemptEnd.Abandoned),
            P50Ms: Percentile(latencies, 50),
            P99Ms: Percentile(latencies, 99),
            MaxMs: latencies.Length == 0 ? null : latencies[^1]);
    }

    private static long LongestGap(List<SendAttempt> attempts, long from, long to)
    {
        var last = from;
        var longest = 0L;
        foreach (var attempt in attempts)
        {
            if (attempt.Accepted && In(attempt.EndedUnixMs, from, to))
            {
                longest = Math.Max(longest, attempt.EndedUnixMs - last);
                last = attempt.EndedUnixMs;
            }
        }

        return Math.Max(longest, to - last);
    }

    // Nearest rank, as LatencyRecorder.
    private static double? Percentile(double[] sorted, double percent) =>
        sorted.Length == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Attempts that ended in a window, by how they ended; latency (end of data to 250) of the accepted ones.</summary>
internal sealed record PhaseStatistics(int Attempts, int Accepted, int Transient, int Permanent, int NoReply, int Abandoned, double? P50Ms, double? P99Ms, double? MaxMs);

internal sealed record FaultPhase(
    string Name,
    double StartSeconds,
    double DurationSeconds,
    PhaseStatistics During,
    PhaseStatistics After,
    long? RecoveryMs,
    long LongestGapWithout250Ms,
    int Refused4xx,
    int? VisibleAfterRefusal);

internal sealed record FaultSummary(PhaseStatistics Before, IReadOnlyList<FaultPhase> Faults);
