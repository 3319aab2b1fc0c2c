using System.IO.Pipelines;

namespace Ingest.Session.Tests;

/// <summary>
/// A STARTTLS that negotiates nothing: the "secured" transport is the same pair of pipes, so a
/// test can go on talking in plaintext and watch what the session does around the swap.
/// </summary>
internal sealed class FakeStartTls(bool succeed = true) : IStartTls
{
    public static readonly TlsInfo Negotiated = new("TLSv1.3", "TLS_AES_128_GCM_SHA256");

    public IDuplexPipe? Transport { get; set; }

    public int Upgrades { get; private set; }

    public ValueTask<SecuredTransport?> UpgradeAsync(CancellationToken cancellationToken)
    {
        Upgrades++;
        return ValueTask.FromResult(succeed ? new SecuredTransport(Transport!, Negotiated) : null);
    }
}
