using System.Text;
using Ingest.Session;

namespace Ingest.Policy;

/// <summary>
/// The RCPT decision: outside the accepted domains a relay refusal (unless authenticated, RFC 4954
/// 1); inside them, with a recipient file or a directory configured, only the mailboxes they know
/// (550 5.1.1 for the rest, RFC 3463 X.1.1). "&lt;Postmaster&gt;" and postmaster@ any served domain
/// are always taken (RFC 5321 4.1.1.3, 4.5.1). The file is answered from memory; the directory,
/// asynchronously, only for what the file did not list.
/// </summary>
public sealed class RecipientPolicy(AcceptedDomains domains, RecipientFileSource? file, IRecipientDirectory? directory) : IRecipientPolicy
{
    public RecipientVerdict Check(ReadOnlySpan<byte> mailbox, bool authenticated)
    {
        var at = mailbox.LastIndexOf((byte)'@');
        if (at < 0)
        {
            return RecipientVerdict.Accepted;
        }

        if (!domains.Accepts(mailbox))
        {
            return authenticated ? RecipientVerdict.Accepted : RecipientVerdict.RelayDenied;
        }

        if (file is null && directory is null)
        {
            return RecipientVerdict.Accepted;
        }

        // The parser bounds a path at 256 octets, so this many UTF-16 units always suffice.
        Span<char> chars = stackalloc char[mailbox.Length];
        if (!Encoding.UTF8.TryGetChars(mailbox, chars, out var length))
        {
            return RecipientVerdict.UnknownRecipient;
        }

        var text = chars[..length];
        var split = text.LastIndexOf('@');
        var local = text[..split];
        var domain = text[(split + 1)..];
        if (local.Equals("postmaster", StringComparison.OrdinalIgnoreCase) || file?.Current.Contains(local, domain) == true)
        {
            return RecipientVerdict.Accepted;
        }

        return directory is null ? RecipientVerdict.UnknownRecipient : RecipientVerdict.Lookup;
    }

    public ValueTask<RecipientVerdict> CheckAsync(string mailbox, bool authenticated, CancellationToken cancellationToken) =>
        directory is null ? ValueTask.FromResult(RecipientVerdict.UnknownRecipient) : directory.LookUpAsync(mailbox, cancellationToken);
}
