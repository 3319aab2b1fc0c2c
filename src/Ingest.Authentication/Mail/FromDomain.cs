namespace Ingest.Authentication.Mail;

/// <summary>
/// The RFC5322.From domain DMARC is about (RFC 7489 3.1, 6.6.1), read strictly: exactly one From
/// field holding exactly one mailbox whose domain is a plain domain name. Anything else is an
/// error with its reason, reported as a DMARC permerror, never guessed at.
/// </summary>
internal static class FromDomain
{
    public static string? Find(IReadOnlyList<HeaderField> fields, out string? error)
    {
        var from = fields.Where(field => field.Is("From")).ToList();
        if (from.Count != 1)
        {
            error = from.Count == 0 ? "no From field" : $"{from.Count} From fields";
            return null;
        }

        return Parse(from[0].Value, out error);
    }

    /// <summary>RFC 5322 3.4 mailbox: [display-name] angle-addr, or addr-spec; comments ignored.</summary>
    internal static string? Parse(string value, out string? error)
    {
        var text = StripComments(value.Replace("\r\n", "", StringComparison.Ordinal));
        if (text is null)
        {
            error = "unbalanced comment or quote in From";
            return null;
        }

        // A comma or a group's colon outside quotes means more than one mailbox (RFC 5322 3.6.2 allows it; DMARC cannot pick).
        var inQuotes = false;
        var angles = 0;
        var open = -1;
        var close = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && inQuotes)
            {
                i++;
                continue;
            }

            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && c is ',' or ';' or ':')
            {
                error = "more than one address in From";
                return null;
            }
            else if (!inQuotes && c == '<')
            {
                angles++;
                open = i;
            }
            else if (!inQuotes && c == '>')
            {
                close = i;
            }
        }

        string address;
        if (angles > 1 || (angles == 1 && (close < open || text[(close + 1)..].Trim().Length > 0)))
        {
            error = "malformed From address";
            return null;
        }

        address = angles == 1 ? text[(open + 1)..close].Trim() : text.Trim();
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            error = "From address has no domain";
            return null;
        }

        var domain = address[(at + 1)..].TrimEnd('.').ToLowerInvariant();
        if (!IsDomain(domain))
        {
            error = "From domain is not a domain name";
            return null;
        }

        error = null;
        return domain;
    }

    private static bool IsDomain(string domain)
    {
        var labels = domain.Split('.');
        return domain.Length <= 253 && labels.Length >= 1
            && labels.All(label => label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c > 127) && label[0] != '-' && label[^1] != '-');
    }

    /// <summary>Removes (nested) comments outside quoted strings (RFC 5322 3.2.2); null when unbalanced.</summary>
    private static string? StripComments(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        var depth = 0;
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && (inQuotes || depth > 0) && i + 1 < text.Length)
            {
                if (depth == 0)
                {
                    builder.Append(c).Append(text[i + 1]);
                }

                i++;
                continue;
            }

            if (depth == 0 && c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes && c == '(')
            {
                depth++;
                continue;
            }
            else if (!inQuotes && c == ')')
            {
                if (--depth < 0)
                {
                    return null;
                }

                builder.Append(' ');
                continue;
            }

            if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return depth == 0 && !inQuotes ? builder.ToString() : null;
    }
}
