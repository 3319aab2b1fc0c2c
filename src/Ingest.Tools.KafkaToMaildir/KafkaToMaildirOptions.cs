namespace Ingest.Tools.KafkaToMaildir;

/// <summary>One run of the tool, as validated from the command line.</summary>
internal sealed class KafkaToMaildirOptions
{
    public required string BootstrapServers { get; init; }

    public required string Topic { get; init; }

    public required string Maildir { get; init; }

    public required string GroupId { get; init; }

    public bool FromBeginning { get; init; }

    /// <summary>Stop after this many messages (written or already in the Maildir); null: no limit.</summary>
    public int? MaxMessages { get; init; }

    /// <summary>Stop once no record has arrived for this long; <see cref="Timeout.InfiniteTimeSpan"/>: never.</summary>
    public TimeSpan Idle { get; init; } = Timeout.InfiniteTimeSpan;

    public bool Fsync { get; init; } = true;

    public IReadOnlyDictionary<string, string> ConsumerSettings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
