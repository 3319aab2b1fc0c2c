namespace Ingest.Host;

/// <summary>Every log event of live configuration reload, in one place (STYLE rule 10).</summary>
internal static partial class ReloadLog
{
    [LoggerMessage(130, LogLevel.Information, "Configuration reloaded; new sessions use the changed values of {Keys}")]
    public static partial void Reloaded(ILogger logger, string keys);

    [LoggerMessage(131, LogLevel.Error, "Configuration change refused; the previous values stay in force: {Errors}")]
    public static partial void Refused(ILogger logger, string errors);

    [LoggerMessage(132, LogLevel.Warning, "Configuration changed where a change takes effect only after a restart: {Keys}")]
    public static partial void RestartNeeded(ILogger logger, string keys);
}
