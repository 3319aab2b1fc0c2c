namespace Ingest.Authentication.Dmarc;

/// <summary>RFC 7489 11.2 results for the "dmarc" method of Authentication-Results.</summary>
public enum DmarcResult : byte
{
    None,
    Pass,
    Fail,
    TempError,
    PermError,
}
