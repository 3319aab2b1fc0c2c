using System.Net;

namespace Ingest.Session;

/// <summary>
/// Checks the credentials a client gave in AUTH (RFC 4954). Wrong credentials are an ordinary
/// outcome, never an exception. Implementations must take the same time for an unknown user as
/// for a wrong password, and compare secrets in constant time.
/// </summary>
public interface IAuthenticator
{
    /// <param name="client">The client's address (after PROXY protocol), for throttling and logs.</param>
    /// <param name="authorizationIdentity">SASL authzid (RFC 4616); empty when the client gave none.</param>
    ValueTask<AuthenticationOutcome> AuthenticateAsync(
        IPAddress? client,
        string authorizationIdentity,
        string userName,
        ReadOnlyMemory<byte> password,
        CancellationToken cancellationToken);
}
