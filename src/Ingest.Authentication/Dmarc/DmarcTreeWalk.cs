using Ingest.Authentication.Dns;

namespace Ingest.Authentication.Dmarc;

/// <summary>
/// The DMARCbis DNS tree walk (draft-ietf-dmarc-dmarcbis, "DNS Tree Walk"): _dmarc.&lt;domain&gt;,
/// then, from a name of eight labels or more, the name cut to its last seven, then one label
/// fewer each time down to the top-level domain: at most eight queries, and no public suffix
/// list. Policy discovery stops at the first record; the Organizational Domain needs them all.
/// Each name's answer counts only when it holds exactly one valid record (RFC 7489 6.6.3).
/// </summary>
internal sealed class DmarcTreeWalk(IDnsResolver dns, CancellationToken cancellationToken)
{
    public const int MaxQueries = 8;

    /// <summary>The records found, nearest first; Failed when a lookup hit a temporary DNS error.</summary>
    public async Task<(List<(string Domain, DmarcRecord Record)> Found, bool Failed)> WalkAsync(string domain, bool stopAtFirst)
    {
        var found = new List<(string, DmarcRecord)>();
        foreach (var target in Targets(domain))
        {
            var answer = await dns.QueryAsync("_dmarc." + target, DnsType.Txt, cancellationToken);
            if (answer.IsTemporaryFailure)
            {
                return (found, true);
            }

            var records = answer.Values.Select(DmarcRecord.Parse).Where(record => record is not null).ToList();
            if (records.Count == 1)
            {
                found.Add((target, records[0]!));
                if (stopAtFirst)
                {
                    break;
                }
            }
        }

        return (found, false);
    }

    /// <summary>
    /// DMARCbis "Identifying the Organizational Domain": the nearest record with psd=n; else the
    /// name just below the nearest record with psd=y (other than the start's own); else the
    /// record with the fewest labels; with no record at all, the domain itself. Null on a
    /// temporary DNS error.
    /// </summary>
    public async Task<string?> OrganizationalDomainAsync(string domain)
    {
        var (found, failed) = await WalkAsync(domain, stopAtFirst: false);
        if (failed)
        {
            return null;
        }

        foreach (var (name, record) in found)
        {
            if (record.PublicSuffix == 'n')
            {
                return name;
            }

            if (record.PublicSuffix == 'y' && !name.Equals(domain, StringComparison.OrdinalIgnoreCase))
            {
                var labels = domain.Split('.');
                return string.Join('.', labels[^(name.Split('.').Length + 1)..]);
            }
        }

        return found.Count > 0 ? found[^1].Domain : domain;
    }

    internal static IEnumerable<string> Targets(string domain)
    {
        var labels = domain.TrimEnd('.').Split('.');
        var count = labels.Length;
        var queries = 0;
        while (count > 0 && queries < MaxQueries)
        {
            yield return string.Join('.', labels[^count..]);
            queries++;
            count = count >= 8 ? 7 : count - 1;
        }
    }
}
