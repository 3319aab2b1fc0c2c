using Microsoft.Extensions.Logging;

namespace Ingest.Functional.Tests;

/// <summary>
/// A logger provider that keeps every record and lets a test wait, up to a deadline, for one with
/// a given event id: the observable event a background change (a configuration reload) produces.
/// </summary>
internal sealed class LogWatch : ILoggerProvider
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly List<(int EventId, LogLevel Level, string Message)> _records = [];
    private readonly List<(int EventId, TaskCompletionSource<string> Done)> _waiters = [];
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    /// <summary>Messages logged so far with <paramref name="eventId"/>.</summary>
    public List<string> Messages(int eventId)
    {
        lock (_lock)
        {
            return [.. _records.Where(record => record.EventId == eventId).Select(record => record.Message)];
        }
    }

    /// <summary>The message of the next record with <paramref name="eventId"/> logged from now on; call it before causing the event.</summary>
    public Task<string> NextAsync(int eventId)
    {
        lock (_lock)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((eventId, done));
            return done.Task.WaitAsync(Bound);
        }
    }

    private void Add(int eventId, LogLevel level, string message)
    {
        lock (_lock)
        {
            _records.Add((eventId, level, message));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].EventId == eventId)
                {
                    _waiters[i].Done.TrySetResult(message);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class Logger(LogWatch watch) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            watch.Add(eventId.Id, logLevel, formatter(state, exception));
    }
}
