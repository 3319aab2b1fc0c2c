namespace Ingest.LoadTest;

/// <summary>
/// One try at a message on one connection. The client port ties a copy found in Kafka (whose
/// envelope carries the client's address, passed through PROXY protocol behind a load balancer)
/// back to the attempt that produced it; the queued id of a 250 ties it exactly.
/// </summary>
internal sealed class SendAttempt(int number, int clientPort, long startedUnixMs)
{
    public int Number { get; } = number;

    public int ClientPort { get; } = clientPort;

    public long StartedUnixMs { get; } = startedUnixMs;

    public long EndedUnixMs { get; set; }

    /// <summary>The reply that decided the attempt; 0 when none was seen.</summary>
    public int Code { get; set; }

    /// <summary>The gateway's id from "250 2.0.0 OK: queued as &lt;id&gt;", when the reply had one.</summary>
    public string? QueuedId { get; set; }

    /// <summary>End of data to final reply, when the data went out and a reply came.</summary>
    public double? LatencyMs { get; set; }

    public AttemptEnd End { get; set; }

    public bool Accepted => Code is >= 200 and < 300;
}

/// <summary>How an attempt ended, from the sender's side.</summary>
internal enum AttemptEnd
{
    /// <summary>Still under way.</summary>
    Pending,

    /// <summary>A final reply came (any code).</summary>
    Replied,

    /// <summary>The connection failed before the final reply: the sender cannot know what happened.</summary>
    ConnectionLost,

    /// <summary>No final reply within --reply-timeout; the sender dropped the connection.</summary>
    TimedOut,

    /// <summary>The sender closed the connection on purpose in the middle of the data (--abandon-fraction).</summary>
    Abandoned,

    /// <summary>The run's hard deadline cut the attempt off.</summary>
    CutOff,
}
