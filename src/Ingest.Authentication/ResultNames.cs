using Ingest.Authentication.Dkim;
using Ingest.Authentication.Dmarc;
using Ingest.Authentication.Spf;

namespace Ingest.Authentication;

/// <summary>Result words as RFC 8601 2.7 (and RFC 7489 11.2) write them, lower case.</summary>
internal static class ResultNames
{
    public static string Of(SpfResult result) => result switch
    {
        SpfResult.Pass => "pass",
        SpfResult.Fail => "fail",
        SpfResult.SoftFail => "softfail",
        SpfResult.Neutral => "neutral",
        SpfResult.TempError => "temperror",
        SpfResult.PermError => "permerror",
        _ => "none",
    };

    public static string Of(DkimResult result) => result switch
    {
        DkimResult.Pass => "pass",
        DkimResult.Fail => "fail",
        DkimResult.Policy => "policy",
        DkimResult.Neutral => "neutral",
        DkimResult.TempError => "temperror",
        DkimResult.PermError => "permerror",
        _ => "none",
    };

    public static string Of(DmarcResult result) => result switch
    {
        DmarcResult.Pass => "pass",
        DmarcResult.Fail => "fail",
        DmarcResult.TempError => "temperror",
        DmarcResult.PermError => "permerror",
        _ => "none",
    };

    public static string Of(DmarcPolicy policy) => policy switch
    {
        DmarcPolicy.Reject => "reject",
        DmarcPolicy.Quarantine => "quarantine",
        _ => "none",
    };
}
