using System.Net;

namespace Ingest.LoadTest;

/// <summary>One run's settings, validated by <see cref="LoadCommand"/> before anything connects.</summary>
internal sealed record LoadOptions
{
    public required IPEndPoint EndPoint { get; init; }

    public int Connections { get; init; } = 1;

    /// <summary>Messages each connection sends; null when <see cref="Total"/> is shared out instead.</summary>
    public int? MessagesPerConnection { get; init; }

    public int? Total { get; init; }

    public required SizeDistribution Sizes { get; init; }

    public string? EmlDirectory { get; init; }

    public bool Pipelining { get; init; } = true;

    public bool Bdat { get; init; }

    /// <summary>Null for plaintext.</summary>
    public ClientTls? Tls { get; init; }

    /// <summary>QUIT and reconnect after this many messages on one connection; null to keep it.</summary>
    public int? ReconnectAfter { get; init; }

    /// <summary>Open-loop target in messages per second; null for as fast as possible.</summary>
    public double? Rate { get; init; }

    /// <summary>Hard bound on the run; in idle mode, how long the connections are held.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    public string? JsonPath { get; init; }

    public string? SvgPath { get; init; }

    public string? VerifyMaildir { get; init; }

    public int? IdleConnections { get; init; }

    /// <summary>After the run, read this cluster's <see cref="Topic"/> and match it against the ledger.</summary>
    public string? VerifyKafka { get; init; }

    public string Topic { get; init; } = "ingest-mail";

    /// <summary>The topic read ends once no record has arrived for this long.</summary>
    public TimeSpan VerifyIdle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Null: every message is sent once, whatever the answer.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>Longest wait for a reply before the sender drops the connection; null to wait for ever.</summary>
    public TimeSpan? ReplyTimeout { get; init; }

    /// <summary>Share of attempts broken off mid-data on purpose.</summary>
    public double AbandonFraction { get; init; }

    /// <summary>DATA or BDAT, drawn per message.</summary>
    public bool MixedTransfer { get; init; }

    /// <summary>New messages stop once this file exists (or at <see cref="Duration"/>, whichever comes first).</summary>
    public string? StopFile { get; init; }

    /// <summary>A file of fault marks ("UNIX_MS start|end NAME" lines) written during the run, for the per-fault report.</summary>
    public string? MarksPath { get; init; }

    public int Seed { get; init; }

    /// <summary>The message count the run aims for, before the duration cuts it short.</summary>
    public long PlannedMessages => Total ?? (long)Connections * (MessagesPerConnection ?? 0);
}
