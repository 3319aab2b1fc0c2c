using System.Text;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// Decides whether a PTR answer may go into the Received header. DNS text is never trusted
/// (STYLE rule 6): whoever controls the client's reverse zone chooses it, and it could carry
/// CRLF, spaces or brackets to forge header fields or a second TCP-info.
/// </summary>
internal static class ClientHostName
{
    /// <summary>The name to write, or null: an LDH domain (RFC 5321 4.1.2, A-labels only) that does not look like an address.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        // An absolute name's root dot is not part of RFC 5321's Domain.
        if (name.EndsWith('.'))
        {
            name = name[..^1];
        }

        if (name.Length > DomainSyntax.MaxDomainLength || !Ascii.IsValid(name) || !DomainSyntax.IsValidDomain(Encoding.ASCII.GetBytes(name), allowUtf8: false))
        {
            return null;
        }

        // No top-level domain is numeric: "192.0.2.1" as a PTR is a disguise, not a name.
        var lastLabel = name.AsSpan(name.LastIndexOf('.') + 1);
        return lastLabel.ContainsAnyExcept("0123456789") ? name : null;
    }
}
