using Ingest.Session;

namespace Ingest.Policy;

/// <summary>
/// A recipient source other than the file (LDAP, a database, an API), registered by whoever hosts
/// the gateway. Asked only for recipients in the accepted domains that the file, if any, did not
/// list. Answers <see cref="RecipientVerdict.Accepted"/>, <see cref="RecipientVerdict.UnknownRecipient"/>
/// or <see cref="RecipientVerdict.TemporaryFailure"/>; should bound its own wait.
/// </summary>
public interface IRecipientDirectory
{
    ValueTask<RecipientVerdict> LookUpAsync(string mailbox, CancellationToken cancellationToken);
}
