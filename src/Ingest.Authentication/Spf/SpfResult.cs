namespace Ingest.Authentication.Spf;

/// <summary>RFC 7208 2.6 results, named as RFC 8601 2.7.2 writes them.</summary>
public enum SpfResult : byte
{
    None,
    Neutral,
    Pass,
    Fail,
    SoftFail,
    TempError,
    PermError,
}
