namespace Ingest.Transport;

/// <summary>Listening and connection admission; bound from configuration section Ingest:Server.</summary>
public sealed class ServerOptions
{
    public const string Section = "Ingest:Server";

    /// <summary>SMTP endpoints as address:port, e.g. 0.0.0.0:2525 or [::]:25. Port 0 picks a free port.</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>Concurrent SMTP connections per process; beyond it new ones get 421 4.3.2.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Concurrent connections per client address; beyond it 421 4.7.0.</summary>
    public int MaxConnectionsPerClient { get; set; } = 50;

    /// <summary>
    /// New connections per client address per minute (bursts of this many, then one every 60/N
    /// seconds); beyond it 421 4.7.0 in place of the greeting. Behind PROXY protocol the address is
    /// the one the header carries. 0 turns the limit off.
    /// </summary>
    public int MaxConnectionRatePerClient { get; set; }

    /// <summary>How long in-flight transactions may run on after shutdown begins.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Run session code on the socket's I/O thread instead of hopping to the thread pool for every
    /// read and flush (Kestrel's UnsafePreferInlineScheduling): about 9% more messages/s and 10% less
    /// CPU per message at 1 KB (docs/performance.md). Safe because the session never blocks and the
    /// sinks hand their slow work to other threads (Maildir writes and fsync go to the thread pool,
    /// only its file open and rename run inline; Kafka produce only queues); turn it off for a sink
    /// that blocks.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>
    /// With <see cref="InlineScheduling"/>, also run socket completions on the epoll thread that saw
    /// them (.NET's DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS) instead of waking a thread-pool
    /// worker for each: a third less CPU per message at 20 and 100 sessions and more messages/s,
    /// but one session alone trades the workers' spinning (fast replies, CPU burnt) for a sleeping
    /// core's wake-up latency, as event-loop servers such as smtp-sink do (docs/performance.md).
    /// Process-wide, read when the gateway process starts; blocking sink code then blocks every
    /// connection on that epoll thread.
    /// </summary>
    public bool InlineSocketCompletions { get; set; } = true;

    /// <summary>PROXY protocol on chosen endpoints, from trusted load balancers only; off unless endpoints are listed.</summary>
    public ProxyProtocolOptions ProxyProtocol { get; set; } = new();

    /// <summary>STARTTLS, implicit TLS endpoints and the certificate; off unless a certificate is given.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>The endpoints used when none are configured.</summary>
    public static IReadOnlyList<string> DefaultEndpoints { get; } = ["0.0.0.0:2525"];
}
