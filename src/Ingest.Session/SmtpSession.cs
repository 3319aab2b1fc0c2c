using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// One SMTP session over a duplex pipe. This file owns the read loop, flushing and timeouts; the
/// command handlers and the body handling live in the other partials.
/// One loop owns <see cref="PipeReader.AdvanceTo(SequencePosition, SequencePosition)"/> (STYLE rule 2).
/// The async steps use pooled ValueTask builders: a session awaits them several times per message
/// and a yielding ValueTask method would otherwise allocate its state machine on every read.
/// </summary>
public sealed partial class SmtpSession
{
    private enum Mode : byte
    {
        Command,
        SkipLine,
        Data,
        Chunk,
        AuthResponse,
        Closed,
    }

    private enum Waiting
    {
        Nothing,
        Read,
        Flush,
    }

    /// <summary>What the synchronous part of a pass asks the asynchronous part to do.</summary>
    private enum Step : byte
    {
        NeedMore,
        Reread,
        BeginData,
        BeginChunk,
        WriteBody,
        EndBody,
        StartTls,
        Authenticate,
        CheckSender,
        CheckRecipient,
        Close,
    }

    private readonly SmtpSessionFactory _server;
    // Replaced once, by STARTTLS, with pipes over the decrypted stream.
    private PipeReader _input;
    private PipeWriter _output;
    private readonly ConnectionInfo _connection;
    // Taken when the session starts: a live reload changes later sessions, never this one.
    private readonly SessionPolicy _policy;
    private readonly SmtpOptions _options;
    private readonly Transaction _transaction = new();

    private Mode _mode = Mode.Command;
    private SessionState _state = SessionState.Connected;
    private string _heloName = "";
    private bool _extended;
    private int _errors;
    private int _transactions;
    private bool _unflushed;
    private SessionEnd _end = SessionEnd.ClientClosed;

    private ITimer? _timer;
    private int _waiting;
    private volatile bool _timedOut;
    private volatile bool _shutdownRequested;
    private long _lineStartedAt = -1;

    internal SmtpSession(SmtpSessionFactory server, IDuplexPipe transport, ConnectionInfo connection)
    {
        _server = server;
        _policy = server.Policy;
        _options = _policy.Options;
        _input = transport.Input;
        _output = transport.Output;
        _connection = connection;
        _tls = connection.Tls;
        _decoder = new DataDecoder(_options.BareLineEndings);
    }

    /// <summary>
    /// Runs the session to its end. <paramref name="closeRequested"/> is the host's graceful-shutdown
    /// signal: idle sessions get 421 4.3.2 at once, a transaction in flight finishes first.
    /// <paramref name="aborted"/> fires when the connection is torn down; it cancels sink calls.
    /// </summary>
    public async Task<SessionEnd> RunAsync(CancellationToken closeRequested = default, CancellationToken aborted = default)
    {
        _aborted = aborted;
        using var registration = closeRequested.UnsafeRegister(static state => ((SmtpSession)state!).OnCloseRequested(), this);
        using var timer = _server.TimeProvider.CreateTimer(static state => ((SmtpSession)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer = timer;
        try
        {
            StartReverseDns();
            if (_options.GreetingDelay > TimeSpan.Zero)
            {
                await WaitBeforeGreetingAsync();
            }

            if (_mode != Mode.Closed)
            {
                Write(_policy.Replies.Greeting);
            }

            while (_mode != Mode.Closed)
            {
                if (_shutdownRequested && IsIdle)
                {
                    Close(Rejection.ShuttingDown);
                    break;
                }

                if (!ArmTimer())
                {
                    Close(Rejection.Timeout);
                    continue;
                }

                if (_unflushed && !await FlushAsync())
                {
                    break;
                }

                var result = await ReadAsync();
                if (result.IsCanceled)
                {
                    OnReadInterrupted();
                    continue;
                }

                await ProcessAsync(result);
            }

            if (_unflushed)
            {
                await FlushAsync();
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection went away (reset, abort at shutdown timeout): nothing to answer.
            _end = SessionEnd.ConnectionLost;
        }
        finally
        {
            _timer = null;
            AbandonTransactionTelemetry();
            await AbortMessageAsync();
            ReleaseBodyBuffer();
            SessionLog.SessionEnded(_server.Logger, _connection.ConnectionId, _connection.RemoteEndPoint, _end);
        }

        return _end;
    }

    /// <summary>Nothing in flight: no body being read or delivered, no BDAT sequence open.</summary>
    private bool IsIdle => _mode is Mode.Command or Mode.SkipLine or Mode.AuthResponse && _state != SessionState.BdatInProgress;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ProcessAsync(ReadResult result)
    {
        var buffer = result.Buffer;
        var consumed = buffer.Start;
        var examined = buffer.End;
        Step step;
        try
        {
            step = _mode switch
            {
                Mode.Command => ProcessCommands(buffer, out consumed),
                Mode.SkipLine => SkipLine(buffer, out consumed),
                Mode.Data => DecodeData(buffer, out consumed),
                Mode.Chunk => ReadChunk(buffer, out consumed),
                Mode.AuthResponse => ReadAuthResponse(buffer, out consumed),
                _ => Step.Close,
            };

            // Something was left unexamined only when a step stopped early to go async.
            if (step is not Step.NeedMore)
            {
                examined = consumed;
            }
        }
        finally
        {
            _input.AdvanceTo(consumed, examined);
        }

        if (_pendingAbort is not null)
        {
            // RSET or EHLO ended an open BDAT sequence: its partial message is dropped now, before
            // a command that came with them in the same read opens the next message.
            await AbortPendingAsync();
        }

        switch (step)
        {
            case Step.BeginData:
                await BeginDataAsync();
                break;
            case Step.BeginChunk:
                await BeginChunkAsync();
                break;
            case Step.WriteBody:
                await WriteBodyAsync();
                break;
            case Step.EndBody:
                await EndBodyAsync();
                break;
            case Step.StartTls:
                await StartTlsAsync();
                break;
            case Step.Authenticate:
                await AuthenticateAsync();
                break;
            case Step.CheckSender:
                await CheckSenderAsync();
                break;
            case Step.CheckRecipient:
                await CheckRecipientAsync();
                break;
            case Step.NeedMore when result.IsCompleted:
                // The client closed its side; whatever is left is an incomplete line or body.
                _end = _mode is Mode.Data or Mode.Chunk ? SessionEnd.ClientClosedMidBody : SessionEnd.ClientClosed;
                _mode = Mode.Closed;
                break;
        }

        if (_pendingAbort is not null)
        {
            // Parked during the step's own asynchronous work (STARTTLS resets the session).
            await AbortPendingAsync();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadAsync()
    {
        Volatile.Write(ref _waiting, (int)Waiting.Read);
        try
        {
            // Re-check after publishing that we wait: a shutdown or a timer firing in between must still wake us.
            if ((_shutdownRequested && IsIdle) || _timedOut)
            {
                _input.CancelPendingRead();
            }

            return await _input.ReadAsync();
        }
        finally
        {
            Volatile.Write(ref _waiting, (int)Waiting.Nothing);
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FlushAsync()
    {
        _unflushed = false;
        Volatile.Write(ref _waiting, (int)Waiting.Flush);
        FlushResult result;
        try
        {
            result = await _output.FlushAsync();
        }
        finally
        {
            Volatile.Write(ref _waiting, (int)Waiting.Nothing);
        }

        if (result.IsCanceled || result.IsCompleted)
        {
            // A client that does not read its replies within the timeout, or is gone.
            _end = result.IsCanceled ? SessionEnd.Timeout : SessionEnd.ClientNotReading;
            _mode = Mode.Closed;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Arms the one timer for the coming flush and read (RFC 5321 4.5.3.2). Armed before the flush,
    /// so a client that has seen our reply knows the clock is running. False when the deadline of
    /// a command line already passed.
    /// </summary>
    private bool ArmTimer()
    {
        var time = _server.TimeProvider;
        TimeSpan timeout;
        if (_mode is Mode.Data or Mode.Chunk)
        {
            timeout = _options.DataTimeout;
        }
        else if (_lineStartedAt >= 0)
        {
            timeout = _options.CommandTimeout - time.GetElapsedTime(_lineStartedAt);
            if (timeout <= TimeSpan.Zero)
            {
                return false;
            }
        }
        else
        {
            timeout = _options.IdleTimeout;
        }

        _timedOut = false;
        _timer?.Change(timeout, Timeout.InfiniteTimeSpan);
        return true;
    }

    private void OnTimer()
    {
        _timedOut = true;
        switch ((Waiting)Volatile.Read(ref _waiting))
        {
            case Waiting.Read:
                _input.CancelPendingRead();
                break;
            case Waiting.Flush:
                _output.CancelPendingFlush();
                break;
        }
    }

    private void OnCloseRequested()
    {
        _shutdownRequested = true;
        if ((Waiting)Volatile.Read(ref _waiting) == Waiting.Read && IsIdle)
        {
            _input.CancelPendingRead();
        }
    }

    private void OnReadInterrupted()
    {
        if (_timedOut)
        {
            Close(Rejection.Timeout);
        }
        else if (_shutdownRequested && IsIdle)
        {
            Close(Rejection.ShuttingDown);
        }

        // Otherwise a cancellation that lost a race with the data it guarded: just read again.
    }

    private void Close(Rejection rejection)
    {
        Write(Replies.For(rejection));
        _end = EndFor(rejection);
        _mode = Mode.Closed;
    }

    private static SessionEnd EndFor(Rejection rejection) => rejection switch
    {
        Rejection.Timeout => SessionEnd.Timeout,
        Rejection.ShuttingDown => SessionEnd.Shutdown,
        Rejection.TooManyErrors => SessionEnd.TooManyErrors,
        Rejection.TooManyTransactions => SessionEnd.TransactionLimit,
        _ => SessionEnd.ProtocolViolation,
    };

    private void Write(ReadOnlySpan<byte> reply)
    {
        Metrics.Reply(reply);
        _output.Write(reply);
        _unflushed = true;
    }
}
