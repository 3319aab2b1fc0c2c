namespace Ingest.Host;

public enum SinkKind
{
    /// <summary>The embedded default: files in a local Maildir.</summary>
    Maildir,

    /// <summary>Accept and drop: for benchmarks only.</summary>
    Discard,
}
