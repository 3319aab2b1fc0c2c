using System.Globalization;
using System.Security;
using System.Text;

namespace Ingest.LoadTest;

/// <summary>
/// Two hand-drawn SVG panels: accepted messages per second over the run, and a histogram of
/// end-of-data to final-reply latency on logarithmic buckets with the p50/p90/p99 marked.
/// </summary>
internal static class SvgChart
{
    private const int Width = 900;
    private const int PanelHeight = 240;
    private const int Left = 70;
    private const int Right = 40;
    private const int PlotWidth = Width - Left - Right;
    private const int ThroughputTop = 80;
    private const int LatencyTop = ThroughputTop + PanelHeight + 90;
    private const int Height = LatencyTop + PanelHeight + 60;

    public static void Write(string path, LoadReport report, (double From, double To, int Count)[] histogram)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        Text(svg, Left, 24, $"Ingest load test, {report.Target}: {report.Connections} connection(s), {report.Transfer}", "font-size=\"15\" font-weight=\"bold\"");
        Text(svg, Left, 42, Invariant($"{report.Messages}; {report.Replied250:N0} accepted in {report.ElapsedSeconds:0.00} s, {report.MessagesPerSecond:0.0} msgs/s, {report.MegabytesPerSecond:0.00} MB/s"), "fill=\"#444\"");
        Throughput(svg, report.Timeline);
        Latency(svg, histogram, report.LatencyMs);
        svg.Append("</svg>\n");
        File.WriteAllText(path, svg.ToString());
    }

    private static void Throughput(StringBuilder svg, IReadOnlyList<SecondSample> timeline)
    {
        var bottom = ThroughputTop + PanelHeight;
        Text(svg, Left, ThroughputTop - 8, "Accepted messages per second", "font-weight=\"bold\"");
        var peak = Math.Max(1, timeline.Count == 0 ? 1 : timeline.Max(sample => sample.Messages));
        YAxis(svg, ThroughputTop, bottom, peak);
        if (timeline.Count > 0)
        {
            var slot = (double)PlotWidth / timeline.Count;
            foreach (var sample in timeline)
            {
                var height = (double)sample.Messages / peak * PanelHeight;
                svg.Append(Invariant($"<rect x=\"{Left + sample.Second * slot + slot * 0.1:0.#}\" y=\"{bottom - height:0.#}\" width=\"{Math.Max(1, slot * 0.8):0.#}\" height=\"{height:0.#}\" fill=\"#3b7dd8\"><title>second {sample.Second}: {sample.Messages} msgs, {sample.Bytes} bytes</title></rect>\n"));
            }

            // Label about ten seconds along the axis, whatever the run's length.
            var step = Math.Max(1, (int)Math.Ceiling(timeline.Count / 10.0));
            for (var second = 0; second < timeline.Count; second += step)
            {
                Text(svg, Left + (second + 0.5) * slot, bottom + 16, second.ToString(CultureInfo.InvariantCulture), "text-anchor=\"middle\"");
            }
        }

        Text(svg, Left + PlotWidth / 2.0, bottom + 34, "seconds since start", "text-anchor=\"middle\" fill=\"#444\"");
    }

    private static void Latency(StringBuilder svg, (double From, double To, int Count)[] histogram, LatencySummary summary)
    {
        var bottom = LatencyTop + PanelHeight;
        Text(svg, Left, LatencyTop - 8, Invariant($"Latency, end of data to final reply ({summary.Count:N0} samples, log buckets)"), "font-weight=\"bold\"");
        if (histogram.Length == 0)
        {
            Text(svg, Left + PlotWidth / 2.0, LatencyTop + PanelHeight / 2.0, "no samples", "text-anchor=\"middle\"");
            return;
        }

        var peak = Math.Max(1, histogram.Max(bucket => bucket.Count));
        YAxis(svg, LatencyTop, bottom, peak);
        var slot = (double)PlotWidth / histogram.Length;
        for (var i = 0; i < histogram.Length; i++)
        {
            var (from, to, count) = histogram[i];
            var height = (double)count / peak * PanelHeight;
            svg.Append(Invariant($"<rect x=\"{Left + i * slot + 1:0.#}\" y=\"{bottom - height:0.#}\" width=\"{Math.Max(1, slot - 2):0.#}\" height=\"{height:0.#}\" fill=\"#e07b39\"><title>{from:0.###}-{to:0.###} ms: {count}</title></rect>\n"));
        }

        for (var i = 0; i <= histogram.Length; i += Math.Max(1, histogram.Length / 8))
        {
            var edge = i < histogram.Length ? histogram[i].From : histogram[^1].To;
            Text(svg, Left + i * slot, bottom + 16, Milliseconds(edge), "text-anchor=\"middle\"");
        }

        var low = histogram[0].From;
        var ratio = histogram[0].To / histogram[0].From;
        foreach (var (name, value, colour) in new[] { ("p50", summary.P50, "#2a9d3a"), ("p90", summary.P90, "#b58900"), ("p99", summary.P99, "#c0392b") })
        {
            var x = Left + Math.Clamp(Math.Log(Math.Max(value, low) / low) / Math.Log(ratio), 0, histogram.Length) * slot;
            svg.Append(Invariant($"<line x1=\"{x:0.#}\" y1=\"{LatencyTop:0.#}\" x2=\"{x:0.#}\" y2=\"{bottom}\" stroke=\"{colour}\" stroke-dasharray=\"4 3\"/>\n"));
            Text(svg, x + 3, LatencyTop + 12, $"{name} {Milliseconds(value)}", $"fill=\"{colour}\"");
        }

        Text(svg, Left + PlotWidth / 2.0, bottom + 34, "milliseconds", "text-anchor=\"middle\" fill=\"#444\"");
    }

    private static void YAxis(StringBuilder svg, int top, int bottom, long peak)
    {
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{top}\" x2=\"{Left}\" y2=\"{bottom}\" stroke=\"#888\"/>\n"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{bottom}\" x2=\"{Left + PlotWidth}\" y2=\"{bottom}\" stroke=\"#888\"/>\n"));
        foreach (var fraction in new[] { 0.0, 0.5, 1.0 })
        {
            var y = bottom - fraction * (bottom - top);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Left + PlotWidth}\" y2=\"{y:0.#}\" stroke=\"#eee\"/>\n"));
            Text(svg, Left - 6, y + 4, Invariant($"{peak * fraction:0.#}"), "text-anchor=\"end\"");
        }
    }

    private static string Milliseconds(double value) => value switch
    {
        >= 100 => Invariant($"{value:0} ms"),
        >= 1 => Invariant($"{value:0.#} ms"),
        _ => Invariant($"{value:0.###} ms"),
    };

    private static void Text(StringBuilder svg, double x, double y, string text, string attributes = "") =>
        svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{y:0.#}\" {attributes}>{SecurityElement.Escape(text)}</text>\n"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
