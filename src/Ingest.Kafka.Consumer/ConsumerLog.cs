using Microsoft.Extensions.Logging;

namespace Ingest.Kafka.Consumer;

/// <summary>The reader's log messages, in one place (STYLE.md rule 10).</summary>
internal static partial class ConsumerLog
{
    [LoggerMessage(108, LogLevel.Warning, "Kafka consumer error {Code}: {Reason}")]
    public static partial void ConsumerError(ILogger logger, string code, string reason);

    [LoggerMessage(109, LogLevel.Warning, "Committing consumer offsets failed: {Reason}; the next run reads those messages again")]
    public static partial void CommitFailed(ILogger logger, string reason);

    [LoggerMessage(110, LogLevel.Debug, "librdkafka {Facility}: {Message}")]
    public static partial void Librdkafka(ILogger logger, string facility, string message);
}
