namespace Ingest.LoadTest;

/// <summary>
/// The sender's view of a --retry run, per message: accepted exactly once (one 2xx over all its
/// attempts), on the first attempt or after retries; refused for good (5xx); given up after the
/// last attempt; or still unfinished when the run's drain ended.
/// </summary>
internal sealed record SenderSummary(int Messages, int Attempts, int AcceptedFirstTry, int AcceptedAfterRetries, int AcceptedMoreThanOnce, int RefusedPermanently, int GaveUp, int Unfinished, int MostAttempts)
{
    public int AcceptedExactlyOnce => AcceptedFirstTry + AcceptedAfterRetries;

    /// <summary>Every message offered was, in the end, accepted exactly once.</summary>
    public bool EveryMessageAcceptedOnce => AcceptedExactlyOnce == Messages;

    public static SenderSummary Build(IEnumerable<SentRecord> records, RetryPolicy? policy)
    {
        int messages = 0, attempts = 0, first = 0, later = 0, twice = 0, permanent = 0, gaveUp = 0, unfinished = 0, most = 0;
        foreach (var record in records)
        {
            var tries = record.Attempts;
            messages++;
            attempts += tries.Count;
            most = Math.Max(most, tries.Count);
            var accepted = tries.Count(attempt => attempt.Accepted);
            if (accepted > 1)
            {
                twice++;
            }
            else if (accepted == 1)
            {
                if (tries[0].Accepted)
                {
                    first++;
                }
                else
                {
                    later++;
                }
            }
            else if (tries.Count > 0 && tries[^1] is { End: AttemptEnd.Replied, Code: >= 500 })
            {
                permanent++;
            }
            else if (tries.Count > 0 && tries[^1].End != AttemptEnd.CutOff && (policy is null || !policy.ShouldRetry(tries[^1])))
            {
                gaveUp++;
            }
            else
            {
                unfinished++;
            }
        }

        return new SenderSummary(messages, attempts, first, later, twice, permanent, gaveUp, unfinished, most);
    }
}
