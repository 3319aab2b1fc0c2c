using System.Text;
using System.Text.Unicode;
using Ingest.Protocol;

namespace Ingest.Fuzz.Targets;

/// <summary>
/// RFC 5321 4.1.2 Mailbox = Local-part "@" ( Domain / address-literal ), with RFC 6531 UTF-8,
/// written plainly (split at the last '@', then each part on its own) as the oracle for
/// <see cref="PathParser"/>'s single pass. A domain holds no '@', so the last one separates.
/// </summary>
internal static class MailboxReference
{
    private static ReadOnlySpan<byte> AtextSpecials => "!#$%&'*+-/=?^_`{|}~"u8;

    /// <summary>A mailbox within the RFC 5321 4.5.3.1 size limits (local part 64, domain 255).</summary>
    public static bool IsMailbox(ReadOnlySpan<byte> mailbox)
    {
        var at = mailbox.LastIndexOf((byte)'@');
        if (at < 0)
        {
            return false;
        }

        var local = mailbox[..at];
        var domain = mailbox[(at + 1)..];
        var domainOk = !domain.IsEmpty && domain.Length <= DomainSyntax.MaxDomainLength && (domain[0] == (byte)'['
            ? DomainSyntax.IsValidAddressLiteral(domain)
            : DomainReference.IsDomain(domain, allowUtf8: true));
        return local.Length <= PathParser.MaxLocalPartLength && IsLocalPart(local) && domainOk
            && (Ascii.IsValid(mailbox) || Utf8.IsValid(mailbox));
    }

    private static bool IsLocalPart(ReadOnlySpan<byte> local)
    {
        if (local.IsEmpty)
        {
            return false;
        }

        if (local[0] == (byte)'"')
        {
            // Quoted-string = DQUOTE *QcontentSMTP DQUOTE; qtextSMTP = %d32-33 / %d35-91 / %d93-126;
            // quoted-pairSMTP = %d92 %d32-126; RFC 6531 adds UTF-8 octets.
            if (local.Length < 2 || local[^1] != (byte)'"')
            {
                return false;
            }

            var inner = local[1..^1];
            for (var i = 0; i < inner.Length; i++)
            {
                var b = inner[i];
                if (b == (byte)'\\')
                {
                    if (++i == inner.Length || inner[i] < 32 || inner[i] > 126)
                    {
                        return false;
                    }
                }
                else if (b == (byte)'"' || (b < 32) || b == 127)
                {
                    return false;
                }
            }

            return true;
        }

        // Dot-string = Atom *("." Atom); Atom = 1*atext.
        foreach (var range in local.Split((byte)'.'))
        {
            var atom = local[range];
            if (atom.IsEmpty)
            {
                return false;
            }

            foreach (var b in atom)
            {
                if (!char.IsAsciiLetterOrDigit((char)b) && !AtextSpecials.Contains(b) && b < 0x80)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
