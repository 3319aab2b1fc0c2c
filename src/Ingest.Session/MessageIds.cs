namespace Ingest.Session;

/// <summary>Message ids: unique across instances and time-ordered, so logs and topics sort by arrival.</summary>
internal static class MessageIds
{
    public static string Next() => Guid.CreateVersion7().ToString("N");
}
