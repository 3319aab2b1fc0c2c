using System.Globalization;
using Ingest.Authentication.Dkim;

namespace Ingest.Authentication.Dmarc;

/// <summary>A DMARC policy record (RFC 7489 6.3, with the DMARCbis np=, psd= and t= tags).</summary>
internal sealed record DmarcRecord(
    DmarcPolicy Policy,
    DmarcPolicy? SubdomainPolicy,
    DmarcPolicy? NonexistentPolicy,
    bool StrictDkim,
    bool StrictSpf,
    bool Testing,
    char PublicSuffix)
{
    /// <summary>Null when the text is not a DMARC record (RFC 7489 6.6.3: those are discarded).</summary>
    public static DmarcRecord? Parse(string text)
    {
        // RFC 7489 6.4: "v=DMARC1" first, exactly.
        if (!text.StartsWith("v=DMARC1", StringComparison.Ordinal))
        {
            return null;
        }

        var tags = TagList.Parse(text);
        if (tags is null || tags.FirstTag != "v" || tags["v"] != "DMARC1")
        {
            return null;
        }

        // RFC 7489 6.6.3: an absent or invalid p= is read as none when the record is otherwise valid
        // (there for reports); the effect is the same: nothing is enforced.
        var policy = PolicyOf(tags["p"]) ?? DmarcPolicy.None;
        // DMARCbis drops pct= for t=; pct=0 is its "testing", as the draft's transition advice says.
        var testing = tags["t"] is "y" || (tags["pct"] is { } pct && int.TryParse(pct, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent == 0);
        return new DmarcRecord(
            policy,
            PolicyOf(tags["sp"]),
            PolicyOf(tags["np"]),
            tags["adkim"] is "s",
            tags["aspf"] is "s",
            testing,
            tags["psd"] is { Length: 1 } psd && psd[0] is 'y' or 'n' ? psd[0] : 'u');
    }

    private static DmarcPolicy? PolicyOf(string? value) => value?.ToLowerInvariant() switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };
}
