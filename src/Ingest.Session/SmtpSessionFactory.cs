using System.IO.Pipelines;
using System.Net;
using Ingest.Delivery;
using Microsoft.Extensions.Logging;

namespace Ingest.Session;

/// <summary>Holds what all sessions share (options, precomputed replies, sink, clock) and makes sessions.</summary>
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
        Authenticator = authenticator;
        AuthOptions = authOptions ?? new AuthOptions();
        Metrics = metrics ?? SmtpMetrics.Standalone();
        Options = options;
        Sink = sink;
        TimeProvider = timeProvider;
        Logger = loggerFactory.CreateLogger("Ingest.Session");
        HostName = string.IsNullOrEmpty(options.HostName) ? Dns.GetHostName() : options.HostName;
        Replies = new ServerReplies(HostName, options);
        Recipients = recipients;
        SenderVerifier = senderVerifier;
        ReverseDns = options.ReverseDns ? reverseDns : null;
    }

    public SmtpOptions Options { get; }

    public string HostName { get; }

    public SmtpMetrics Metrics { get; }

    internal IMessageSink Sink { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    internal ServerReplies Replies { get; }

    internal IRecipientPolicy? Recipients { get; }

    internal ISenderVerifier? SenderVerifier { get; }

    internal IAuthenticator? Authenticator { get; }

    internal AuthOptions AuthOptions { get; }

    /// <summary>Null when reverse DNS is off: sessions then never start a lookup.</summary>
    internal IReverseDns? ReverseDns { get; }

    public SmtpSession Create(IDuplexPipe transport, ConnectionInfo connection) => new(this, transport, connection);
}
