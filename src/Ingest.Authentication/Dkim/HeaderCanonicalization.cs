using System.Text;
using Ingest.Authentication.Mail;

namespace Ingest.Authentication.Dkim;

/// <summary>Header canonicalization (RFC 6376 3.4.1 simple, 3.4.2 relaxed), over Latin-1 text.</summary>
internal static class HeaderCanonicalization
{
    /// <summary>The field as it goes into the hash, with its CRLF.</summary>
    public static string Canonicalize(string raw, bool relaxed)
    {
        if (!relaxed)
        {
            return raw + "\r\n";
        }

        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        // 3.4.2: name in lower case, no WSP around the colon; the value unfolded, WSP runs to one SP, none at the end.
        var builder = new StringBuilder(raw.Length + 2);
        builder.Append(raw.AsSpan(0, colon).TrimEnd(" \t").ToString().ToLowerInvariant()).Append(':');
        var pendingSpace = false;
        var atStart = true;
        foreach (var c in raw.AsSpan(colon + 1))
        {
            if (c is '\r' or '\n')
            {
                continue;
            }

            if (c is ' ' or '\t')
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace && !atStart)
            {
                builder.Append(' ');
            }

            pendingSpace = false;
            atStart = false;
            builder.Append(c);
        }

        return builder.Append("\r\n").ToString();
    }

    /// <summary>
    /// RFC 6376 5.4.2: for each name in h=, the last instance not used yet, from the bottom up; a
    /// name with no instance left contributes nothing.
    /// </summary>
    public static void AppendSigned(StringBuilder data, IReadOnlyList<HeaderField> fields, IReadOnlyList<string> names, bool relaxed)
    {
        var used = new bool[fields.Count];
        foreach (var name in names)
        {
            for (var i = fields.Count - 1; i >= 0; i--)
            {
                if (!used[i] && fields[i].Is(name))
                {
                    used[i] = true;
                    data.Append(Canonicalize(fields[i].Raw, relaxed));
                    break;
                }
            }
        }
    }
}
