namespace Ingest.Policy;

/// <summary>Recipients checked at RCPT; bound from Ingest:Recipients.</summary>
public sealed class RecipientOptions
{
    public const string Section = "Ingest:Recipients";

    /// <summary>
    /// The recipient file (<see cref="RecipientFile"/>); null or empty: any mailbox in an accepted
    /// domain is taken. Read at start-up (a bad line stops it), reread when it changes.
    /// </summary>
    public string? File { get; set; }
}
