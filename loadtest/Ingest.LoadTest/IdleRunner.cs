using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ingest.LoadTest;

/// <summary>
/// --idle-connections: opens N connections, completes EHLO on each (after STARTTLS, or over TLS
/// from the first byte, when asked, so each holds a TLS session), holds them without a word
/// for --duration, then QUITs. A read stays pending on every connection throughout, so one the
/// server closes early (an idle timeout's 421, a reset) is noticed when it happens.
/// </summary>
internal static class IdleRunner
{
    // Connections opened at once: enough to be quick, few enough not to flood our own listener.
    private const int ConnectParallelism = 32;
    private static readonly TimeSpan ConnectPhaseLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan QuitPhaseLimit = TimeSpan.FromSeconds(10);

    public static async Task<IdleResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var requested = options.IdleConnections ?? 0;
        var failures = new Dictionary<string, long>();
        var tlsSessions = new Dictionary<TlsSession, long>();
        var open = new ConcurrentBag<(SmtpLoadClient Client, Task<(int Code, TimeSpan At)> Watch)>();
        var start = Stopwatch.GetTimestamp();

        using (var connectPhase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectPhase.CancelAfter(ConnectPhaseLimit);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = connectPhase.Token };
            try
            {
                await Parallel.ForAsync(0, requested, parallel, async (_, token) =>
                {
                    try
                    {
                        var client = await SmtpLoadClient.ConnectAsync(options.EndPoint, options.Tls, token);
                        open.Add((client, WatchAsync(client, start)));
                        if (client.Tls is { } session)
                        {
                            Count(tlsSessions, session);
                        }
                    }
                    catch (SmtpReplyException exception)
                    {
                        Count(failures, $"{exception.Stage} refused with {exception.Code}");
                    }
                    catch (Exception exception) when (LoadRunner.IsConnectionFailure(exception))
                    {
                        Count(failures, LoadRunner.Reason(exception));
                    }
                });
            }
            catch (OperationCanceledException)
            {
                // The connect phase's limit or Ctrl+C: hold what is open.
            }
        }

        var established = open.Count;
        await Console.Error.WriteLineAsync($"Holding {established} of {requested} connections for {options.Duration.TotalSeconds:0.#} s...");
        var holdStarted = Stopwatch.GetTimestamp();
        try
        {
            await Task.Delay(options.Duration, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: report what was held so far.
        }

        var held = Stopwatch.GetElapsedTime(holdStarted);
        var closedEarly = new Dictionary<string, long>();
        TimeSpan? firstClose = null;
        var quitOk = 0;
        using var quitPhase = new CancellationTokenSource(QuitPhaseLimit);
        // One snapshot decides which connections closed during the hold, so none is counted twice.
        var byClosed = open.ToLookup(connection => connection.Watch.IsCompleted);
        var stillOpen = byClosed[false].ToArray();
        foreach (var (client, watch) in byClosed[true])
        {
            var (code, at) = await watch;
            Count(closedEarly, code > 0 ? $"server sent {code} and closed" : "closed without a reply");
            firstClose = firstClose is null || at < firstClose ? at : firstClose;
            await client.DisposeAsync();
        }

        var stayedOpen = stillOpen.Length;
        await Task.WhenAll(stillOpen.Select(async connection =>
        {
            try
            {
                await connection.Client.WriteQuitAsync(quitPhase.Token);
                var (code, _) = await connection.Watch.WaitAsync(quitPhase.Token);
                if (code == 221)
                {
                    Interlocked.Increment(ref quitOk);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException || LoadRunner.IsConnectionFailure(exception))
            {
                // Counted as open but not cleanly closed: stayedOpen - quitOk.
            }
            finally
            {
                await connection.Client.DisposeAsync();
            }
        }));

        return new IdleResult(
            requested, established, failures, TlsReport.Create(options.Tls, tlsSessions), held.TotalSeconds, stayedOpen, closedEarly, firstClose?.TotalSeconds, quitOk);
    }

    /// <summary>The server's first unprompted reply (or the reply to our QUIT), and when it came.</summary>
    private static async Task<(int Code, TimeSpan At)> WatchAsync(SmtpLoadClient client, long start)
    {
        try
        {
            var code = await client.ReadReplyAsync(CancellationToken.None);
            return (code, Stopwatch.GetElapsedTime(start));
        }
        catch (Exception exception) when (LoadRunner.IsConnectionFailure(exception))
        {
            return (0, Stopwatch.GetElapsedTime(start));
        }
    }

    private static void Count<TKey>(Dictionary<TKey, long> counts, TKey key)
        where TKey : notnull
    {
        lock (counts)
        {
            counts[key] = counts.TryGetValue(key, out var count) ? count + 1 : 1;
        }
    }
}

/// <summary>
/// What the idle-connection test saw. Requested - Established - failures = not attempted within
/// the connect phase's limit. FirstCloseSeconds counts from the start of the test.
/// </summary>
internal sealed record IdleResult(
    int Requested,
    int Established,
    IReadOnlyDictionary<string, long> ConnectFailures,
    TlsReport? Tls,
    double HeldSeconds,
    int StayedOpen,
    IReadOnlyDictionary<string, long> ClosedEarly,
    double? FirstCloseSeconds,
    int QuitAnswered221);
