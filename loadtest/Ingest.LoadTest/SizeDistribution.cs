using System.Globalization;

namespace Ingest.LoadTest;

/// <summary>Message sizes drawn by weight, e.g. "1k:50,10k:40,100k:10"; a single size is weight 1.</summary>
internal sealed class SizeDistribution
{
    private readonly (int Size, int Weight)[] _entries;
    private readonly int _totalWeight;

    private SizeDistribution((int Size, int Weight)[] entries)
    {
        _entries = entries;
        _totalWeight = entries.Sum(entry => entry.Weight);
    }

    public IReadOnlyList<(int Size, int Weight)> Entries => _entries;

    public static SizeDistribution Single(int size) => new([(size, 1)]);

    public static bool TryParse(string text, out SizeDistribution distribution, out string error)
    {
        distribution = Single(1024);
        error = "";
        var entries = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var sizeText = colon < 0 ? part : part[..colon];
            var weightText = colon < 0 ? "1" : part[(colon + 1)..];
            if (!ByteSize.TryParse(sizeText, out var size))
            {
                error = $"'{sizeText}' is not a size (bytes, or with a k or m suffix).";
                return false;
            }

            if (!int.TryParse(weightText, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight <= 0 || weight > 1_000_000)
            {
                error = $"'{weightText}' is not a positive weight.";
                return false;
            }

            entries.Add((size, weight));
        }

        if (entries.Count == 0)
        {
            error = "no sizes given.";
            return false;
        }

        distribution = new SizeDistribution([.. entries]);
        return true;
    }

    public int Sample(Random random)
    {
        var pick = random.Next(_totalWeight);
        foreach (var (size, weight) in _entries)
        {
            if (pick < weight)
            {
                return size;
            }

            pick -= weight;
        }

        return _entries[^1].Size;
    }

    public override string ToString() =>
        string.Join(',', _entries.Select(entry => _entries.Length == 1
            ? ByteSize.Format(entry.Size)
            : string.Create(CultureInfo.InvariantCulture, $"{ByteSize.Format(entry.Size)}:{entry.Weight}")));
}
