using System.Diagnostics;

namespace Ingest.LoadTest;

/// <summary>Accepted messages and octets per whole second since the run started.</summary>
internal sealed class ThroughputTimeline(long startTimestamp, int seconds)
{
    private readonly long[] _messages = new long[seconds + 1];
    private readonly long[] _bytes = new long[seconds + 1];
    private int _lastSecond = -1;

    public void Record(long timestamp, int bytes)
    {
        var second = (int)Math.Clamp(Stopwatch.GetElapsedTime(startTimestamp, timestamp).TotalSeconds, 0, _messages.Length - 1);
        Interlocked.Increment(ref _messages[second]);
        Interlocked.Add(ref _bytes[second], bytes);
        int last;
        while ((last = Volatile.Read(ref _lastSecond)) < second && Interlocked.CompareExchange(ref _lastSecond, second, last) != last)
        {
        }
    }

    /// <summary>One sample per second up to the last second with a completion.</summary>
    public IReadOnlyList<SecondSample> Samples() =>
        Enumerable.Range(0, _lastSecond + 1).Select(second => new SecondSample(second, _messages[second], _bytes[second])).ToArray();
}

internal sealed record SecondSample(int Second, long Messages, long Bytes);
