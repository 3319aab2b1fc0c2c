using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Ingest.LoadTest;

/// <summary>
/// The mail-sending run: one worker per connection, each sending its messages in turn (closed
/// loop) or when the rate gate says (open loop), reconnecting after a dropped connection, all of
/// it stopped by the --duration deadline.
/// </summary>
internal sealed class LoadRunner(LoadOptions options, MessageFactory factory)
{
    private const int MaxConsecutiveConnectFailures = 5;
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(200);

    private long _sharedRemaining;
    private int _pipeliningFallback;

    public SentLedger Ledger { get; } = new();

    /// <summary>Whether the deadline (or Ctrl+C) ended the run before every message was sent.</summary>
    public bool CutShort { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    /// <summary>This process's CPU time (user + system) over the run, start-up excluded: what the client costs the machine.</summary>
    public TimeSpan ClientCpu { get; private set; }

    public bool PipeliningFellBack => Volatile.Read(ref _pipeliningFallback) != 0;

    public async Task<RunStatistics> RunAsync(CancellationToken cancellationToken)
    {
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var stats = new RunStatistics(start, (int)Math.Ceiling(options.Duration.TotalSeconds));
        _sharedRemaining = options.Total ?? 0;
        var gate = options.Rate is { } rate ? new RateGate(rate, start) : null;
        // New messages stop at --duration; with --retry, retries of earlier ones go on for the drain.
        using var newMessages = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        newMessages.CancelAfter(options.Duration);
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(options.Duration + (options.Retry?.Drain ?? TimeSpan.Zero));
        if (options.StopFile is { } stopFile)
        {
            _ = WatchStopFileAsync(stopFile, newMessages, hardStop, options.Retry?.Drain ?? TimeSpan.Zero);
        }
        var workers = Enumerable.Range(0, options.Connections)
            .Select(index => Task.Run(() => WorkerAsync(index, stats, gate, newMessages.Token, hardStop.Token), CancellationToken.None));
        await Task.WhenAll(workers);
        Elapsed = Stopwatch.GetElapsedTime(start);
        ClientCpu = Environment.CpuUsage.TotalTime - cpuAtStart;
        CutShort = newMessages.IsCancellationRequested;
        return stats;
    }

    /// <summary>
    /// --stop-file: a script that injects faults ends the load when its schedule is done, however
    /// long that took; the drain for retries (and the hard stop) starts from there.
    /// </summary>
    private static async Task WatchStopFileAsync(string path, CancellationTokenSource newMessages, CancellationTokenSource hardStop, TimeSpan drain)
    {
        try
        {
            while (!newMessages.IsCancellationRequested)
            {
                if (File.Exists(path))
                {
                    hardStop.CancelAfter(drain);
                    await newMessages.CancelAsync();
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), newMessages.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // The run ended first.
        }
    }

    private async Task WorkerAsync(int index, RunStatistics stats, RateGate? gate, CancellationToken newMessages, CancellationToken hardStop)
    {
        var random = new Random(options.Seed + index);
        var remaining = options.MessagesPerConnection ?? 0;
        var retries = new PriorityQueue<(OutgoingMessage Message, SentRecord Record), long>();
        var failures = 0;
        var onConnection = 0;
        SendAttempt? inFlight = null;
        SmtpLoadClient? client = null;
        try
        {
            while (!hardStop.IsCancellationRequested)
            {
                var mayStartNew = !newMessages.IsCancellationRequested && HasRemaining(remaining);
                if (!mayStartNew && retries.Count == 0)
                {
                    break;
                }

                if (!mayStartNew && retries.TryPeek(out _, out var firstDue) && Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), firstDue) is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, hardStop);
                    continue;
                }

                client ??= await ConnectAsync(stats, hardStop);
                if (client is null)
                {
                    if (++failures >= MaxConsecutiveConnectFailures && options.Retry is null)
                    {
                        stats.ConnectionError("worker gave up after repeated failures");
                        break;
                    }

                    await Task.Delay(ReconnectDelay, hardStop);
                    continue;
                }

                failures = 0;
                OutgoingMessage message;
                SentRecord record;
                if (retries.TryPeek(out var retry, out var due) && due <= Stopwatch.GetTimestamp())
                {
                    retries.Dequeue();
                    (message, record) = retry;
                }
                else if (mayStartNew && TakeMessage(ref remaining))
                {
                    if (gate is not null)
                    {
                        stats.ScheduleLag(await gate.WaitAsync(hardStop));
                    }

                    message = factory.Next(random);
                    record = Ledger.Add(message);
                }
                else
                {
                    continue;
                }

                var attempt = record.StartAttempt(client.LocalPort, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                inFlight = attempt;
                var keep = await SendAttemptAsync(client, message, record, attempt, stats, random, hardStop);
                inFlight = null;
                attempt.EndedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (options.Retry is { } policy && policy.ShouldRetry(attempt))
                {
                    retries.Enqueue((message, record), Stopwatch.GetTimestamp() + (long)(policy.Delay(attempt.Number, random).TotalSeconds * Stopwatch.Frequency));
                }

                if (keep && ++onConnection == options.ReconnectAfter)
                {
                    await QuitQuietlyAsync(client, hardStop);
                    keep = false;
                }

                if (!keep)
                {
                    // 421, a broken connection or --reconnect-after: the next message starts on a new one.
                    await client.DisposeAsync();
                    client = null;
                    onConnection = 0;
                }
            }

            if (client is not null)
            {
                await client.QuitAsync(hardStop);
            }
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            // The deadline: a message caught mid-way is neither accepted nor refused.
            if (inFlight is not null)
            {
                inFlight.End = AttemptEnd.CutOff;
                inFlight.EndedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                stats.MessageUnanswered();
            }
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            // Only QUIT can get here; every message has its outcome already.
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>One attempt at one message; true when the connection can carry the next one.</summary>
    private async Task<bool> SendAttemptAsync(
        SmtpLoadClient client, OutgoingMessage message, SentRecord record, SendAttempt attempt, RunStatistics stats, Random random, CancellationToken hardStop)
    {
        stats.MessageStarted();
        var bdat = (options.MixedTransfer ? random.Next(2) == 0 : options.Bdat) && client.Chunking;
        using var replyTimeout = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
        if (options.ReplyTimeout is { } timeout)
        {
            replyTimeout.CancelAfter(timeout);
        }

        try
        {
            if (options.AbandonFraction > 0 && random.NextDouble() < options.AbandonFraction)
            {
                // Somewhere between a tenth and nine tenths of the data: past the first chunk record of a large message.
                await client.AbandonAsync(message, bdat, 0.1 + 0.8 * random.NextDouble(), replyTimeout.Token);
                attempt.End = AttemptEnd.Abandoned;
                stats.MessageAbandoned();
                return false;
            }

            var outcome = await client.SendAsync(message, options.Pipelining && client.Pipelining, bdat, replyTimeout.Token);
            attempt.Code = outcome.Code;
            attempt.QueuedId = outcome.QueuedId;
            attempt.LatencyMs = outcome.Latency?.TotalMilliseconds;
            attempt.End = AttemptEnd.Replied;
            record.Code = outcome.Code;
            stats.MessageEnded(outcome, message.Content.Length);
            if (!outcome.Accepted && !outcome.ConnectionClosing)
            {
                await client.ResetAsync(replyTimeout.Token);
            }

            return !outcome.ConnectionClosing;
        }
        catch (OperationCanceledException) when (!hardStop.IsCancellationRequested)
        {
            // --reply-timeout: the sender stops waiting and drops the connection, as an MTA's timeout does (RFC 5321 4.5.3.2).
            if (attempt.End != AttemptEnd.Replied)
            {
                attempt.End = AttemptEnd.TimedOut;
                stats.MessageUnanswered();
            }

            stats.ConnectionError("reply timeout");
            return false;
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            if (attempt.End != AttemptEnd.Replied && attempt.End != AttemptEnd.Abandoned)
            {
                attempt.End = AttemptEnd.ConnectionLost;
                stats.MessageUnanswered();
            }

            stats.ConnectionError(Reason(exception));
            return false;
        }
    }

    private async Task<SmtpLoadClient?> ConnectAsync(RunStatistics stats, CancellationToken cancellationToken)
    {
        SmtpLoadClient client;
        try
        {
            client = await SmtpLoadClient.ConnectAsync(options.EndPoint, options.Tls, cancellationToken);
        }
        catch (SmtpReplyException exception)
        {
            stats.ConnectionError($"{exception.Stage} refused with {exception.Code}");
            return null;
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            stats.ConnectionError(Reason(exception));
            return null;
        }

        stats.ConnectionOpened(client.Tls);
        if (options.Bdat && !options.MixedTransfer && !client.Chunking)
        {
            // Every message would be refused: report it once per attempt rather than send them.
            stats.ConnectionError("server does not offer CHUNKING (RFC 3030)");
            await client.DisposeAsync();
            return null;
        }

        if (options.Pipelining && !client.Pipelining)
        {
            Interlocked.Exchange(ref _pipeliningFallback, 1);
        }

        return client;
    }

    /// <summary>QUIT after the last message a connection is to carry; its answer decides nothing.</summary>
    private static async Task QuitQuietlyAsync(SmtpLoadClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.QuitAsync(cancellationToken);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
        }
    }

    private bool HasRemaining(int remaining) =>
        options.Total is null ? remaining > 0 : Interlocked.Read(ref _sharedRemaining) > 0;

    private bool TakeMessage(ref int remaining) =>
        options.Total is null ? remaining-- > 0 : Interlocked.Decrement(ref _sharedRemaining) >= 0;

    internal static bool IsConnectionFailure(Exception exception) =>
        exception is IOException or SocketException or InvalidDataException or ObjectDisposedException or AuthenticationException;

    internal static string Reason(Exception exception) => exception switch
    {
        EndOfStreamException => "closed by server",
        SocketException socket => "socket " + socket.SocketErrorCode,
        IOException { InnerException: SocketException socket } => "socket " + socket.SocketErrorCode,
        InvalidDataException => "malformed reply",
        // A refused certificate names its problem, e.g. "... errors in the certificate chain: UntrustedRoot".
        AuthenticationException => "TLS handshake: " + exception.Message,
        _ => exception.GetType().Name,
    };
}
