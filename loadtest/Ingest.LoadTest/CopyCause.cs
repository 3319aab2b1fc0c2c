namespace Ingest.LoadTest;

/// <summary>Why a copy of a message is in the topic: the attempt it came from, as the sender saw that attempt.</summary>
internal enum CopyCause
{
    /// <summary>The attempt answered 2xx: the copy the sender was promised.</summary>
    Accepted,

    /// <summary>The attempt was refused with a 4xx (451 after a delivery deadline) and its records landed anyway.</summary>
    RefusedTransient,

    /// <summary>The attempt was refused with a 5xx and its records landed anyway.</summary>
    RefusedPermanent,

    /// <summary>The connection failed before the final reply (a gateway killed, a proxy reset): SMTP's documented duplicate.</summary>
    ReplyLost,

    /// <summary>The sender gave up waiting for the reply (--reply-timeout) and dropped the connection.</summary>
    ReplyTimedOut,

    /// <summary>The run's hard deadline cut the attempt off before its reply.</summary>
    CutOff,

    /// <summary>The sender broke the transfer off mid-data: a whole copy cannot come from it, so this is a gateway bug.</summary>
    Abandoned,

    /// <summary>No attempt of the message matches the copy's gateway id or client port.</summary>
    Unattributed,
}
