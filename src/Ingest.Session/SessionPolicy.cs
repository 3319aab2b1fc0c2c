namespace Ingest.Session;

/// <summary>
/// The configuration a session runs under, taken whole when the session starts: a live
/// reload (<see cref="SmtpSessionFactory.Update"/>) swaps in a new one for later sessions, while
/// sessions already open keep theirs to the end, so a client never sees the rules change between
/// its EHLO and its RCPTs.
/// </summary>
internal sealed class SessionPolicy(SmtpOptions options, ServerReplies replies, AuthOptions authOptions, IAuthenticator? authenticator, IRecipientPolicy? recipients, IReverseDns? reverseDns)
{
    public SmtpOptions Options => options;

    public ServerReplies Replies => replies;

    public AuthOptions AuthOptions => authOptions;

    /// <summary>Null: AUTH is not offered (502).</summary>
    public IAuthenticator? Authenticator => authenticator;

    /// <summary>Null: every recipient is accepted.</summary>
    public IRecipientPolicy? Recipients => recipients;

    /// <summary>Null when reverse DNS is off: sessions then never start a lookup.</summary>
    public IReverseDns? ReverseDns => reverseDns;
}
