using System.Diagnostics;

namespace Ingest.LoadTest;

/// <summary>
/// Open-loop pacing: message n is due at start + n / rate, whatever happened to earlier ones, so
/// a slow server shows as growing lag instead of a quietly lower offered load.
/// </summary>
internal sealed class RateGate(double messagesPerSecond, long startTimestamp)
{
    private long _next = -1;

    /// <summary>Waits for the next message's turn; returns how late that turn is being taken.</summary>
    public async ValueTask<TimeSpan> WaitAsync(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _next);
        var due = startTimestamp + (long)(n * (Stopwatch.Frequency / messagesPerSecond));
        var early = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (early > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(early, cancellationToken);
        }

        var late = Stopwatch.GetElapsedTime(due);
        return late > TimeSpan.Zero ? late : TimeSpan.Zero;
    }
}
