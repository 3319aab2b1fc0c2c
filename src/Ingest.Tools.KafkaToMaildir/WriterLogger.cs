using Microsoft.Extensions.Logging;

namespace Ingest.Tools.KafkaToMaildir;

/// <summary>Warnings and errors of the Kafka reader (brokers down, commits failing) onto the tool's error stream.</summary>
internal sealed class WriterLogger(TextWriter error) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            lock (error)
            {
                error.WriteLine($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
