using System.Globalization;

namespace Ingest.LoadTest;

/// <summary>One injected fault: from the moment it began to the moment it was undone (restarted, resumed).</summary>
internal sealed record FaultWindow(string Name, long StartUnixMs, long EndUnixMs);

/// <summary>
/// Reads the marks a fault script writes while the load runs: one line per event, "UNIX_MS start
/// NAME" when a fault is injected and "UNIX_MS end NAME" when it is undone. A start with no end
/// lasts until the next start (or the end of the run).
/// </summary>
internal static class FaultMarks
{
    public static List<FaultWindow> Parse(IEnumerable<string> lines, long runEndUnixMs)
    {
        var windows = new List<FaultWindow>();
        var open = new List<(string Name, long Start)>();
        foreach (var raw in lines)
        {
            var parts = raw.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var at))
            {
                continue;
            }

            if (parts[1] == "start")
            {
                open.Add((parts[2], at));
            }
            else if (parts[1] == "end" && open.FindIndex(pending => pending.Name == parts[2]) is var index and >= 0)
            {
                windows.Add(new FaultWindow(open[index].Name, open[index].Start, at));
                open.RemoveAt(index);
            }
        }

        windows.AddRange(open.Select(pending => new FaultWindow(pending.Name, pending.Start, runEndUnixMs)));
        windows.Sort((a, b) => a.StartUnixMs.CompareTo(b.StartUnixMs));
        return windows;
    }
}
