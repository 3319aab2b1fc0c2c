namespace Ingest.LoadTest;

/// <summary>
/// Every end-of-data to final-reply time, kept whole (8 bytes a message) so the percentiles are
/// exact rather than bucketed.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];
    private readonly Lock _lock = new();
    private double[]? _sorted;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _milliseconds.Count;
            }
        }
    }

    public void Record(TimeSpan latency)
    {
        lock (_lock)
        {
            _milliseconds.Add(latency.TotalMilliseconds);
            _sorted = null;
        }
    }

    public LatencySummary Summarize()
    {
        var sorted = Sorted();
        return sorted.Length == 0
            ? new LatencySummary(0, 0, 0, 0, 0, 0)
            : new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted[^1], sorted.Average());
    }

    /// <summary>
    /// Counts per logarithmic bucket between the smallest and largest time, for the SVG chart:
    /// latencies span orders of magnitude, so equal-width buckets would hide the tail.
    /// </summary>
    public (double From, double To, int Count)[] Histogram(int buckets)
    {
        var sorted = Sorted();
        if (sorted.Length == 0)
        {
            return [];
        }

        var low = Math.Max(sorted[0], 0.001);
        var high = Math.Max(sorted[^1], low * 1.01);
        var ratio = Math.Pow(high / low, 1.0 / buckets);
        var histogram = new (double From, double To, int Count)[buckets];
        for (var i = 0; i < buckets; i++)
        {
            histogram[i] = (low * Math.Pow(ratio, i), low * Math.Pow(ratio, i + 1), 0);
        }

        foreach (var value in sorted)
        {
            var index = value <= low ? 0 : (int)(Math.Log(value / low) / Math.Log(ratio));
            histogram[Math.Clamp(index, 0, buckets - 1)].Count++;
        }

        return histogram;
    }

    private double[] Sorted()
    {
        lock (_lock)
        {
            if (_sorted is null)
            {
                _sorted = [.. _milliseconds];
                Array.Sort(_sorted);
            }

            return _sorted;
        }
    }

    // Nearest-rank percentile: a value that was actually observed.
    private static double Percentile(double[] sorted, double percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max, double Mean);
