namespace Ingest.FaultProxy;

/// <summary>
/// Open, or closed until a moment: while closed, nothing is forwarded in either direction and new
/// connections are not passed on, as when a network path silently drops every packet. Unlike a
/// real black hole the bytes are not lost, only held: TCP would retransmit them once the path
/// heals, so holding them is what the endpoints observe.
/// </summary>
internal sealed class TrafficGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _opened = NewOpened(completed: true);
    private CancellationTokenSource? _timer;

    public void CloseFor(TimeSpan duration)
    {
        lock (_lock)
        {
            if (_opened.Task.IsCompleted)
            {
                _opened = NewOpened(completed: false);
            }

            _timer?.Dispose();
            _timer = new CancellationTokenSource(duration);
            _timer.Token.Register(Open);
        }
    }

    public void Open()
    {
        lock (_lock)
        {
            _opened.TrySetResult();
        }
    }

    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        Task opened;
        lock (_lock)
        {
            opened = _opened.Task;
        }

        return opened.IsCompleted ? Task.CompletedTask : opened.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewOpened(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
