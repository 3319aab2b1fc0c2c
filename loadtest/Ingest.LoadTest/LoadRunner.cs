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
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Duration);
        var workers = Enumerable.Range(0, options.Connections)
            .Select(index => Task.Run(() => WorkerAsync(index, stats, gate, deadline.Token), CancellationToken.None));
        await Task.WhenAll(workers);
        Elapsed = Stopwatch.GetElapsedTime(start);
        ClientCpu = Environment.CpuUsage.TotalTime - cpuAtStart;
        CutShort = deadline.IsCancellationRequested;
        return stats;
    }

    private async Task WorkerAsync(int index, RunStatistics stats, RateGate? gate, CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed + index);
        var remaining = options.MessagesPerConnection ?? 0;
        var failures = 0;
        var onConnection = 0;
        var inFlight = false;
        SmtpLoadClient? client = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested && TakeMessage(ref remaining))
            {
                if (gate is not null)
                {
                    stats.ScheduleLag(await gate.WaitAsync(cancellationToken));
                }

                client ??= await ConnectAsync(stats, cancellationToken);
                if (client is null)
                {
                    ReturnMessage(ref remaining);
                    if (++failures >= MaxConsecutiveConnectFailures)
                    {
                        stats.ConnectionError("worker gave up after repeated failures");
                        break;
                    }

                    await Task.Delay(ReconnectDelay, cancellationToken);
                    continue;
                }

                failures = 0;
                var message = factory.Next(random);
                var record = Ledger.Add(message);
                stats.MessageStarted();
                inFlight = true;
                var keep = false;
                try
                {
                    var outcome = await client.SendAsync(message, options.Pipelining && client.Pipelining, options.Bdat, cancellationToken);
                    record.Code = outcome.Code;
                    stats.MessageEnded(outcome, message.Content.Length);
                    keep = !outcome.ConnectionClosing;
                }
                catch (Exception exception) when (IsConnectionFailure(exception))
                {
                    stats.MessageUnanswered();
                    stats.ConnectionError(Reason(exception));
                }

                inFlight = false;
                if (keep && ++onConnection == options.ReconnectAfter)
                {
                    await QuitQuietlyAsync(client, cancellationToken);
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
                await client.QuitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The deadline: a message caught mid-way is neither accepted nor refused.
            if (inFlight)
            {
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
        if (options.Bdat && !client.Chunking)
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

    private bool TakeMessage(ref int remaining) =>
        options.Total is null ? remaining-- > 0 : Interlocked.Decrement(ref _sharedRemaining) >= 0;

    private void ReturnMessage(ref int remaining)
    {
        if (options.Total is null)
        {
            remaining++;
        }
        else
        {
            Interlocked.Increment(ref _sharedRemaining);
        }
    }

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
