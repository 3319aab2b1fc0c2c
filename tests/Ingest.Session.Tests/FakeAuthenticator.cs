using System.Net;
using System.Text;

namespace Ingest.Session.Tests;

/// <summary>An authenticator with users in memory that records what it was asked.</summary>
internal sealed class FakeAuthenticator : IAuthenticator
{
    public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal) { ["alice"] = "wonderland" };

    public AuthenticationOutcome? Forced { get; set; }

    public List<(string AuthorizationIdentity, string User, string Password)> Calls { get; } = [];

    public ValueTask<AuthenticationOutcome> AuthenticateAsync(IPAddress? client, string authorizationIdentity, string userName, ReadOnlyMemory<byte> password, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(password.Span);
        Calls.Add((authorizationIdentity, userName, text));
        if (Forced is { } forced)
        {
            return ValueTask.FromResult(forced);
        }

        var ok = Users.TryGetValue(userName, out var expected) && expected == text && (authorizationIdentity.Length == 0 || authorizationIdentity == userName);
        return ValueTask.FromResult(ok ? AuthenticationOutcome.Succeeded : AuthenticationOutcome.Failed);
    }
}
