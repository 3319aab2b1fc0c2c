namespace Ingest.Authentication.Dkim;

/// <summary>RFC 8601 2.7.1 results of one DKIM signature.</summary>
public enum DkimResult : byte
{
    None,
    Pass,
    Fail,
    Policy,
    Neutral,
    TempError,
    PermError,
}
