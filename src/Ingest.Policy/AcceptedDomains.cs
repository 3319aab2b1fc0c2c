using System.Diagnostics.CodeAnalysis;
using System.Text;
using Ingest.Protocol;
using Ingest.Session;

namespace Ingest.Policy;

/// <summary>
/// The recipient domains the gateway accepts mail for (RFC 5321 3.6.2, 7.1: it must not be an
/// open relay). Entries are exact ("example.com") or every subdomain ("*.example.com", which does
/// not include example.com itself). Matching is ordinal and case-insensitive; there is no IDNA
/// conversion, so a U-label recipient matches only a U-label entry and an A-label ("xn--")
/// recipient only an A-label entry. Address literals never match. Lookups are two hash probes per
/// label over a stack buffer: no allocation per RCPT.
/// </summary>
public sealed class AcceptedDomains : IRecipientPolicy
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _parents;

    public AcceptedDomains(IEnumerable<string> entries)
    {
        var exact = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parents = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (!IsValidEntry(entry, out var problem))
            {
                throw new FormatException($"'{entry}' {problem}");
            }

            if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                parents.Add(entry[2..]);
            }
            else
            {
                exact.Add(entry);
            }
        }

        AcceptsAll = exact.Count == 0 && parents.Count == 0;
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _parents = parents.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>No entries: every domain is accepted (the gateway's behaviour before the list existed).</summary>
    public bool AcceptsAll { get; }

    /// <summary>An authenticated client may relay anywhere (RFC 4954 1); others only into the accepted domains.</summary>
    public RecipientVerdict Check(ReadOnlySpan<byte> mailbox, bool authenticated) =>
        authenticated || Accepts(mailbox) ? RecipientVerdict.Accepted : RecipientVerdict.RelayDenied;

    /// <summary>Never asked: <see cref="Check"/> always decides.</summary>
    public ValueTask<RecipientVerdict> CheckAsync(string mailbox, bool authenticated, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Check(System.Text.Encoding.UTF8.GetBytes(mailbox), authenticated));

    /// <summary>Whether a mail to <paramref name="mailbox"/> (as the path parser returned it) may be accepted.</summary>
    public bool Accepts(ReadOnlySpan<byte> mailbox)
    {
        if (AcceptsAll)
        {
            return true;
        }

        // The domain follows the last '@': a quoted local part may hold '@', a domain never does.
        var at = mailbox.LastIndexOf((byte)'@');
        if (at < 0)
        {
            // Only "<Postmaster>" parses without a domain, and it is always accepted (RFC 5321 4.1.1.3).
            return true;
        }

        var domain = mailbox[(at + 1)..];
        if (domain.IsEmpty || domain[0] == (byte)'[')
        {
            return false;
        }

        // The parser bounds a domain at 255 octets, so 255 UTF-16 units always suffice.
        Span<char> chars = stackalloc char[DomainSyntax.MaxDomainLength];
        if (!Encoding.UTF8.TryGetChars(domain, chars, out var length))
        {
            return false;
        }

        var name = chars[..length];
        if (_exact.Contains(name))
        {
            return true;
        }

        // "*.example.com" accepts a.example.com and b.a.example.com: try each proper parent.
        for (var dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.'))
        {
            name = name[(dot + 1)..];
            if (_parents.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A domain (RFC 5321 4.1.2, U-labels allowed), optionally prefixed by "*." and nothing else.</summary>
    public static bool IsValidEntry(string entry, [NotNullWhen(false)] out string? problem)
    {
        var domain = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
        if (domain.Contains('*', StringComparison.Ordinal))
        {
            problem = "has a misplaced '*': write example.com for the domain itself or *.example.com for its subdomains.";
            return false;
        }

        if (!DomainSyntax.IsValidDomain(Encoding.UTF8.GetBytes(domain), allowUtf8: true))
        {
            problem = "is not a valid domain name (RFC 5321 4.1.2); address literals cannot be listed.";
            return false;
        }

        problem = null;
        return true;
    }
}
