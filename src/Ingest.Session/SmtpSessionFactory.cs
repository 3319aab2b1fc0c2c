using System.IO.Pipelines;
using System.Net;
using Ingest.Delivery;
using Microsoft.Extensions.Logging;

namespace Ingest.Session;

/// <summary>
/// Holds what all sessions share (options, precomputed replies, sink, clock) and makes sessions.
/// The policy part (options, AUTH, recipients) can be replaced while running (<see cref="Update"/>);
/// each session keeps the one it started with.
/// </summary>
public sealed class SmtpSessionFactory
{
    /// <param name="reverseDns">Used only when <see cref="SmtpOptions.ReverseDns"/> is on; with it on and none given, no lookup happens.</param>
    /// <param name="authenticator">Checks AUTH credentials; null leaves AUTH unoffered (502).</param>
    /// <param name="recipients">Decides RCPTs; null accepts every recipient (a gateway that only sees its own traffic).</param>
    /// <param name="senderVerifier">SPF, DKIM and DMARC; null (the default) verifies nothing and costs nothing.</param>
    public SmtpSessionFactory(
        SmtpOptions options,
        IMessageSink sink,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        SmtpMetrics? metrics = null,
        IReverseDns? reverseDns = null,
        IAuthenticator? authenticator = null,
        AuthOptions? authOptions = null,
        IRecipientPolicy? recipients = null,
        ISenderVerifier? senderVerifier = null)
    {
        Metrics = metrics ?? SmtpMetrics.Standalone();
        Sink = sink;
        TimeProvider = timeProvider;
        Logger = loggerFactory.CreateLogger("Ingest.Session");
        HostName = string.IsNullOrEmpty(options.HostName) ? Dns.GetHostName() : options.HostName;
        SenderVerifier = senderVerifier;
        _reverseDns = reverseDns;
        _policy = PolicyFor(options, authOptions ?? new AuthOptions(), authenticator, recipients);
    }

    private readonly IReverseDns? _reverseDns;
    private volatile SessionPolicy _policy;

    /// <summary>The options new sessions start with.</summary>
    public SmtpOptions Options => _policy.Options;

    public string HostName { get; }

    public SmtpMetrics Metrics { get; }

    internal IMessageSink Sink { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal ISenderVerifier? SenderVerifier { get; }

    internal SessionPolicy Policy => _policy;

    /// <summary>
    /// Replaces the policy for sessions created from now on; open sessions keep theirs. The host
    /// name is fixed at start-up (it is in every Received: header and the SPF/DMARC verifier), so
    /// <paramref name="options"/>' own is ignored.
    /// </summary>
    public void Update(SmtpOptions options, AuthOptions authOptions, IAuthenticator? authenticator, IRecipientPolicy? recipients) =>
        _policy = PolicyFor(options, authOptions, authenticator, recipients);

    public SmtpSession Create(IDuplexPipe transport, ConnectionInfo connection) => new(this, transport, connection);

    private SessionPolicy PolicyFor(SmtpOptions options, AuthOptions authOptions, IAuthenticator? authenticator, IRecipientPolicy? recipients) =>
        new(options, new ServerReplies(HostName, options), authOptions, authenticator, recipients, options.ReverseDns ? _reverseDns : null);
}
