namespace Ingest.Delivery.Maildir;

/// <summary>Bound from configuration section Ingest:Maildir.</summary>
public sealed class MaildirOptions
{
    public const string Section = "Ingest:Maildir";

    /// <summary>The Maildir root; tmp/, new/ and cur/ are created beneath it.</summary>
    public string Path { get; set; } = "maildir";

    /// <summary>fsync each file and the new/ directory before replying 250. Turn off only for benchmarks.</summary>
    public bool Fsync { get; set; } = true;
}
