namespace Ingest.Protocol;

public enum FrameStatus : byte
{
    /// <summary>No line end yet and still within the limit: nothing consumed, read more.</summary>
    Incomplete,

    /// <summary>A CRLF-terminated line was consumed.</summary>
    Complete,

    /// <summary>A line ending in a bare LF was consumed; it must not be executed.</summary>
    BareLineFeed,

    /// <summary>The limit was reached without a line end; nothing consumed.</summary>
    TooLong,
}
