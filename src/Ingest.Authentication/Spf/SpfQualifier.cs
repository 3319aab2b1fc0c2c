namespace Ingest.Authentication.Spf;

/// <summary>RFC 7208 4.6.2: what a matching mechanism yields.</summary>
internal static class SpfQualifier
{
    public static SpfResult Of(char qualifier) => qualifier switch
    {
        '-' => SpfResult.Fail,
        '~' => SpfResult.SoftFail,
        '?' => SpfResult.Neutral,
        _ => SpfResult.Pass,
    };
}
