namespace Ingest.Session;

/// <summary>What an <see cref="IRecipientPolicy"/> decided about one RCPT.</summary>
public enum RecipientVerdict : byte
{
    /// <summary>250 2.1.5.</summary>
    Accepted,

    /// <summary>Not a domain the gateway accepts mail for: 550 5.7.1 (RFC 5321 7.1).</summary>
    RelayDenied,
}
