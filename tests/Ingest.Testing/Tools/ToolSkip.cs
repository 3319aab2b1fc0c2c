namespace Ingest.Testing;

/// <summary>The skip reason of a tool test: null when every tool is there, or when CI requires them all.</summary>
internal static class ToolSkip
{
    public static string[] Names(string tools)
    {
        var names = (tools ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length > 0 ? names : throw new ArgumentException("name at least one tool", nameof(tools));
    }

    public static string? Reason(IEnumerable<string> tools)
    {
        var missing = tools.Select(ExternalTool.Named).Where(tool => tool.Find() is null).Select(tool => tool.MissingReason).ToList();
        return missing.Count == 0 || ExternalTool.Required ? null : string.Join("; ", missing);
    }

    /// <summary>xunit's default name when the test runs; with the reason in it when skipped.</summary>
    public static string? DisplayName(string test, string? skip) => skip is null ? null : $"{test} (skipped: {skip})";
}
