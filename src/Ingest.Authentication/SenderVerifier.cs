using Ingest.Authentication.Dns;
using Ingest.Session;

namespace Ingest.Authentication;

/// <summary>
/// The session's <see cref="ISenderVerifier"/>: one <see cref="MessageVerification"/> per
/// transaction, all sharing one resolver (with its bounded cache) and one set of metrics.
/// </summary>
public sealed class SenderVerifier : ISenderVerifier
{
    public SenderVerifier(AuthenticationOptions options, string authServId, IDnsResolver dns, TimeProvider time, AuthenticationMetrics metrics)
    {
        Options = options;
        AuthServId = string.IsNullOrEmpty(options.AuthServId) ? authServId : options.AuthServId;
        Dns = dns;
        Time = time;
        Metrics = metrics;
    }

    internal AuthenticationOptions Options { get; }

    public string AuthServId { get; }

    internal IDnsResolver Dns { get; }

    internal TimeProvider Time { get; }

    internal AuthenticationMetrics Metrics { get; }

    /// <summary>Imported DKIM keys, shared by every message (importing costs more than verifying).</summary>
    internal Dkim.RsaKeyCache RsaKeys { get; } = new();

    /// <summary>The resolver the host builds: DnsClient behind the bounded cache.</summary>
    public static IDnsResolver CreateResolver(DnsOptions options, TimeProvider time, AuthenticationMetrics metrics) =>
        new CachingDnsResolver(new DnsClientResolver(options, metrics), options, time, metrics);

    public ISenderVerification Start(SenderInfo sender) => new MessageVerification(this, sender);
}
