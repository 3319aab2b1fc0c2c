namespace Ingest.LoadTest;

internal enum TlsMode
{
    /// <summary>Plaintext throughout.</summary>
    None,

    /// <summary>RFC 3207: greeting and EHLO in the clear, then STARTTLS, the handshake, and EHLO again.</summary>
    StartTls,

    /// <summary>RFC 8314 3.3: the handshake before the greeting, as on port 465.</summary>
    Implicit,
}
