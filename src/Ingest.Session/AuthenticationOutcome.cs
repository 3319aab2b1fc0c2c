namespace Ingest.Session;

/// <summary>What an <see cref="IAuthenticator"/> decided (RFC 4954 6 names the replies).</summary>
public enum AuthenticationOutcome : byte
{
    /// <summary>235 2.7.0.</summary>
    Succeeded,

    /// <summary>Wrong user name or password: 535 5.7.8.</summary>
    Failed,

    /// <summary>Too many recent failures from this client: 454 4.7.0 without checking the password.</summary>
    Throttled,

    /// <summary>The store could not be consulted (unreadable file): 454 4.7.0.</summary>
    TemporaryFailure,
}
