using System.Text;

namespace Ingest.Session.Tests;

/// <summary>Octets as a C#-like literal a person can read in a counterexample.</summary>
internal static class Printable
{
    /// <summary>Control and 8-bit octets escaped; runs of eight or more as "x"×count, not as a wall of x.</summary>
    public static string Escape(ReadOnlySpan<byte> octets)
    {
        var parts = new List<string>();
        var literal = new StringBuilder();
        for (var i = 0; i < octets.Length;)
        {
            var run = 1;
            while (i + run < octets.Length && octets[i + run] == octets[i])
            {
                run++;
            }

            if (run >= 8)
            {
                if (literal.Length > 0)
                {
                    parts.Add($"\"{literal}\"");
                    literal.Clear();
                }

                parts.Add($"\"{Escape(octets[i])}\"×{run}");
                i += run;
                continue;
            }

            literal.Append(Escape(octets[i]));
            i++;
        }

        if (literal.Length > 0 || parts.Count == 0)
        {
            parts.Add($"\"{literal}\"");
        }

        return string.Join("+", parts);
    }

    private static string Escape(byte octet) => octet switch
    {
        (byte)'\r' => "\\r",
        (byte)'\n' => "\\n",
        (byte)'\t' => "\\t",
        (byte)'\\' => "\\\\",
        (byte)'"' => "\\\"",
        >= 0x20 and < 0x7F => ((char)octet).ToString(),
        _ => $"\\x{octet:X2}",
    };
}
