namespace Ingest.Session;

/// <summary>Where a session stands in the RFC 5321 4.1.4 command sequence.</summary>
internal enum SessionState : byte
{
    Connected,
    Greeted,
    MailGiven,
    RecipientGiven,
    BdatInProgress,
}
