namespace Ingest.LoadTest;

/// <summary>
/// Matches what a topic holds against what was sent and what each reply said. A copy belongs to
/// the attempt whose 250 named its gateway id, else to the unconfirmed attempt made from its client
/// port (the gateway records the client's port, PROXY protocol passes it through HAProxy).
/// </summary>
internal static class KafkaMatcher
{
    private const int SampleLimit = 10;

    // Attempt times are taken by the client, received-at by the gateway, both from the same clock.
    private const long ClockSlackMs = 50;

    public static KafkaVerification Match(string topic, IEnumerable<SentRecord> sent, IReadOnlyList<FoundCopy> copies, KafkaReadCounters counters)
    {
        var records = sent.ToDictionary(record => record.Id);
        var byMessage = new Dictionary<Guid, List<FoundCopy>>();
        var withoutId = 0;
        var fromOtherRuns = 0;
        foreach (var copy in copies)
        {
            if (copy.LoadId is not { } id)
            {
                withoutId++;
            }
            else if (!records.ContainsKey(id))
            {
                fromOtherRuns++;
            }
            else
            {
                (byMessage.TryGetValue(id, out var list) ? list : byMessage[id] = []).Add(copy);
            }
        }

        var lost = new List<Guid>();
        var corrupted = new List<Guid>();
        var partial = new List<Guid>();
        var duplicated = new List<Guid>();
        var copyCauses = new Dictionary<CopyCause, int>();
        var duplicateCauses = new Dictionary<CopyCause, int>();
        var refusedVisible = new List<VisibleAfterRefusal>();
        var suspicious = new List<string>();
        var accepted = 0;
        foreach (var record in records.Values)
        {
            var attempts = record.Attempts;
            var confirmed = attempts.Where(attempt => attempt.Accepted).ToList();
            accepted += confirmed.Count > 0 ? 1 : 0;
            var found = byMessage.GetValueOrDefault(record.Id) ?? [];
            if (confirmed.Count > 0 && !found.Any(copy => confirmed.Any(attempt => attempt.QueuedId is null || attempt.QueuedId == copy.GatewayId)))
            {
                lost.Add(record.Id);
            }

            var whole = new List<(FoundCopy Copy, CopyCause Cause)>();
            foreach (var copy in found)
            {
                if (copy.ContentSha256 is null || !copy.ContentSha256.AsSpan().SequenceEqual(record.Sha256) || !copy.TracePrefixOk)
                {
                    // Shorter than sent: cut off somewhere (partial); otherwise other bytes, or something other than trace fields above them.
                    var list = copy.ContentLength < record.Size ? partial : corrupted;
                    if (!list.Contains(record.Id))
                    {
                        list.Add(record.Id);
                    }

                    continue;
                }

                var (cause, attempt) = Attribute(copy, attempts);
                if (cause is CopyCause.Abandoned or CopyCause.Unattributed && suspicious.Count < SampleLimit)
                {
                    suspicious.Add(Describe(record, copy, attempts));
                }

                copyCauses[cause] = copyCauses.GetValueOrDefault(cause) + 1;
                whole.Add((copy, cause));
                if (cause is CopyCause.RefusedTransient or CopyCause.RefusedPermanent)
                {
                    refusedVisible.Add(new VisibleAfterRefusal(record.Id, attempt!.Code, attempt.EndedUnixMs, copy.GatewayId));
                }
            }

            if (whole.Count > 1)
            {
                duplicated.Add(record.Id);
                // The copy the sender was promised is not a duplicate; every other one is, for its own cause.
                var promised = whole.FindIndex(pair => pair.Cause == CopyCause.Accepted);
                for (var i = 0; i < whole.Count; i++)
                {
                    if (i != (promised < 0 ? 0 : promised))
                    {
                        duplicateCauses[whole[i].Cause] = duplicateCauses.GetValueOrDefault(whole[i].Cause) + 1;
                    }
                }
            }
        }

        return new KafkaVerification(
            Topic: topic,
            Copies: copies.Count,
            Offered: records.Count,
            Accepted: accepted,
            Found: byMessage.Count,
            Lost: lost.Count,
            Corrupted: corrupted.Count,
            Partial: partial.Count,
            Duplicated: duplicated.Count,
            CopiesByCause: Names(copyCauses),
            DuplicatesByCause: Names(duplicateCauses),
            VisibleAfterRefusal: refusedVisible.Count,
            VisibleAfterAbandon: copyCauses.GetValueOrDefault(CopyCause.Abandoned),
            FromOtherRuns: fromOtherRuns,
            WithoutIdHeader: withoutId,
            Reassembler: counters,
            LostSample: [.. lost.Take(SampleLimit)],
            CorruptedSample: [.. corrupted.Take(SampleLimit)],
            PartialSample: [.. partial.Take(SampleLimit)],
            DuplicatedSample: [.. duplicated.Take(SampleLimit)],
            RefusedButVisible: refusedVisible,
            Suspicious: suspicious);
    }

    /// <summary>A copy no attempt explains, with every attempt of its message: what to look at.</summary>
    private static string Describe(SentRecord record, FoundCopy copy, IReadOnlyList<SendAttempt> attempts) =>
        $"{record.Id}: copy {copy.GatewayId} from port {copy.ClientPort} via {copy.Gateway} received at {copy.ReceivedAtUnixMs}, partition {copy.Partition} offset {copy.Offset}; attempts: " +
        string.Join("; ", attempts.Select(attempt =>
            $"#{attempt.Number} port {attempt.ClientPort} {attempt.StartedUnixMs}-{attempt.EndedUnixMs} {attempt.End} {attempt.Code} {attempt.QueuedId}"));

    /// <summary>The attempt a whole copy came from, and what that attempt was for the sender.</summary>
    internal static (CopyCause Cause, SendAttempt? Attempt) Attribute(FoundCopy copy, IReadOnlyList<SendAttempt> attempts)
    {
        // The port alone can repeat (the OS reuses ephemeral ports): among the attempts from it, the
        // one under way when the gateway started receiving the body (same host, same clock) wins.
        var fromPort = attempts.Where(candidate => candidate.QueuedId is null && candidate.ClientPort == copy.ClientPort).ToList();
        var attempt = attempts.FirstOrDefault(candidate => candidate.QueuedId is { } queued && queued == copy.GatewayId)
            ?? fromPort.LastOrDefault(candidate => copy.ReceivedAtUnixMs >= candidate.StartedUnixMs - ClockSlackMs
                && (candidate.EndedUnixMs == 0 || copy.ReceivedAtUnixMs <= candidate.EndedUnixMs + ClockSlackMs))
            ?? fromPort.LastOrDefault();
        if (attempt is null)
        {
            return (CopyCause.Unattributed, null);
        }

        var cause = attempt.End switch
        {
            AttemptEnd.Replied when attempt.Accepted => CopyCause.Accepted,
            AttemptEnd.Replied when attempt.Code is >= 400 and < 500 => CopyCause.RefusedTransient,
            AttemptEnd.Replied => CopyCause.RefusedPermanent,
            AttemptEnd.ConnectionLost => CopyCause.ReplyLost,
            AttemptEnd.TimedOut => CopyCause.ReplyTimedOut,
            AttemptEnd.Abandoned => CopyCause.Abandoned,
            _ => CopyCause.CutOff,
        };
        return (cause, attempt);
    }

    private static Dictionary<string, int> Names(Dictionary<CopyCause, int> counts) =>
        counts.OrderBy(pair => pair.Key).ToDictionary(pair => pair.Key.ToString(), pair => pair.Value);
}
