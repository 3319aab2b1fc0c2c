namespace Ingest.Session;

/// <summary>
/// Decides at RCPT whether the gateway takes mail for a recipient (RFC 5321 3.6.2 and 7.1: not an
/// open relay). Called on the command path for every RCPT, so an implementation answers from memory
/// without allocating.
/// </summary>
public interface IRecipientPolicy
{
    /// <param name="mailbox">The RCPT mailbox as the path parser returned it (UTF-8, no angle brackets).</param>
    /// <param name="authenticated">The client authenticated with AUTH (RFC 4954): it may relay anywhere.</param>
    RecipientVerdict Check(ReadOnlySpan<byte> mailbox, bool authenticated);

    /// <summary>Asked only after <see cref="Check"/> answered <see cref="RecipientVerdict.Lookup"/>: a directory lookup.</summary>
    ValueTask<RecipientVerdict> CheckAsync(string mailbox, bool authenticated, CancellationToken cancellationToken);
}
