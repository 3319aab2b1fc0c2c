namespace Ingest.LoadTest;

/// <summary>
/// --retry: what a sending MTA does with a message that was not accepted. A 4xx reply (RFC 5321
/// 4.2.1: transient), a connection lost before the final reply, a reply that never came and a
/// transfer the sender itself broke off all mean "try again later"; a 5xx is final. Attempts are
/// bounded, and spaced by a doubling backoff with jitter so that retries after a fault do not
/// arrive in one wave.
/// </summary>
internal sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialBackoff, TimeSpan MaxBackoff, TimeSpan Drain)
{
    public bool ShouldRetry(SendAttempt attempt) =>
        attempt.Number < MaxAttempts && attempt.End != AttemptEnd.CutOff && (attempt.End != AttemptEnd.Replied || attempt.Code is >= 400 and < 500);

    /// <summary>The wait before attempt <paramref name="failedAttempt"/> + 1: doubling from the initial backoff, capped, 50-100 % of it.</summary>
    public TimeSpan Delay(int failedAttempt, Random random)
    {
        var doubled = InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempt - 1, 20));
        var capped = Math.Min(doubled, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + random.NextDouble() / 2));
    }
}
