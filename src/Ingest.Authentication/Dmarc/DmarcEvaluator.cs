using Ingest.Authentication.Dkim;
using Ingest.Authentication.Dns;
using Ingest.Authentication.Spf;

namespace Ingest.Authentication.Dmarc;

/// <summary>
/// RFC 7489 6.6: the policy for the From domain (found by the tree walk), then identifier
/// alignment (3.1) of SPF's domain and each passing DKIM signature's d= with the From domain,
/// strict or relaxed (relaxed: the same Organizational Domain), and the verdict. No reports are
/// sent: that is another system's job.
/// </summary>
internal static class DmarcEvaluator
{
    public static async Task<DmarcVerdict> EvaluateAsync(
        IDnsResolver dns, string fromDomain, SpfVerdict? spf, IReadOnlyList<DkimVerdict> dkim, CancellationToken cancellationToken)
    {
        var walk = new DmarcTreeWalk(dns, cancellationToken);
        try
        {
            var (found, failed) = await walk.WalkAsync(fromDomain, stopAtFirst: true);
            if (failed)
            {
                return new DmarcVerdict(DmarcResult.TempError, fromDomain, null, false, DmarcPolicy.None, "DNS error looking up the policy");
            }

            if (found.Count == 0)
            {
                return new DmarcVerdict(DmarcResult.None, fromDomain, null, false, DmarcPolicy.None, "no policy");
            }

            var (at, record) = found[0];
            var policy = record.Policy;
            if (!at.Equals(fromDomain, StringComparison.OrdinalIgnoreCase))
            {
                // RFC 7489 6.6.3: a subdomain gets sp= (else p=); DMARCbis np= for one that does not exist.
                policy = record.SubdomainPolicy ?? record.Policy;
                if (record.NonexistentPolicy is { } np && await NonexistentAsync(dns, fromDomain, cancellationToken))
                {
                    policy = np;
                }
            }

            string? aligned = null;
            var unknown = false;
            if (spf is { Result: SpfResult.Pass })
            {
                var spfAligned = await AlignedAsync(walk, spf.Domain, fromDomain, record.StrictSpf);
                unknown |= spfAligned is null;
                aligned = spfAligned == true ? "SPF " + spf.Domain : null;
            }

            foreach (var signature in dkim)
            {
                if (aligned is null && signature.Result == DkimResult.Pass)
                {
                    var dkimAligned = await AlignedAsync(walk, signature.Domain, fromDomain, record.StrictDkim);
                    unknown |= dkimAligned is null;
                    aligned = dkimAligned == true ? "DKIM " + signature.Domain : null;
                }
            }

            // A pass that DNS kept from being seen is not a failure: SPF or a signature that could not be checked makes it a temperror.
            unknown |= spf is { Result: SpfResult.TempError } || dkim.Any(signature => signature.Result == DkimResult.TempError);
            if (aligned is null && unknown)
            {
                return new DmarcVerdict(DmarcResult.TempError, fromDomain, policy, record.Testing, DmarcPolicy.None, "DNS errors kept SPF, DKIM or alignment from being checked");
            }

            if (aligned is not null)
            {
                return new DmarcVerdict(DmarcResult.Pass, fromDomain, policy, record.Testing, DmarcPolicy.None, "aligned " + aligned);
            }

            return new DmarcVerdict(DmarcResult.Fail, fromDomain, policy, record.Testing, record.Testing ? DmarcPolicy.None : policy, "no aligned SPF or DKIM pass");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new DmarcVerdict(DmarcResult.TempError, fromDomain, null, false, DmarcPolicy.None, "DNS time budget exhausted");
        }
    }

    /// <summary>RFC 7489 3.1: strict is the same name; relaxed the same Organizational Domain. Null when DNS could not tell.</summary>
    private static async Task<bool?> AlignedAsync(DmarcTreeWalk walk, string domain, string fromDomain, bool strict)
    {
        if (domain.TrimEnd('.').Equals(fromDomain, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (strict)
        {
            return false;
        }

        var a = await walk.OrganizationalDomainAsync(domain.TrimEnd('.').ToLowerInvariant());
        var b = await walk.OrganizationalDomainAsync(fromDomain);
        return a is null || b is null ? null : a.Equals(b, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>DMARCbis np=: a domain is nonexistent when A, AAAA and MX all answer NXDOMAIN.</summary>
    private static async Task<bool> NonexistentAsync(IDnsResolver dns, string domain, CancellationToken cancellationToken)
    {
        foreach (var type in (DnsType[])[DnsType.A, DnsType.Aaaa, DnsType.Mx])
        {
            if ((await dns.QueryAsync(domain, type, cancellationToken)).Status != DnsStatus.NxDomain)
            {
                return false;
            }
        }

        return true;
    }
}
