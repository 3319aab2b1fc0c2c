using System.Globalization;

namespace Ingest.LoadTest;

/// <summary>Sizes on the command line: plain octets, or with a k (1024) or m (1024 * 1024) suffix.</summary>
internal static class ByteSize
{
    public const int Max = 256 * 1024 * 1024;

    public static bool TryParse(string text, out int bytes)
    {
        bytes = 0;
        text = text.Trim();
        var multiplier = 1L;
        if (text.EndsWith('k') || text.EndsWith('K'))
        {
            multiplier = 1024;
            text = text[..^1];
        }
        else if (text.EndsWith('m') || text.EndsWith('M'))
        {
            multiplier = 1024 * 1024;
            text = text[..^1];
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value * multiplier > Max)
        {
            return false;
        }

        bytes = (int)(value * multiplier);
        return true;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)}m"),
        >= 1024 when bytes % 1024 == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024}k"),
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };
}
