using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// One transaction's sender authentication. Calls are sequential; disposing it (RSET, a new MAIL,
/// the end of the message or the session) stops whatever DNS work is still pending.
/// </summary>
public interface ISenderVerification : IDisposable
{
    /// <summary>Whether the MAIL reply must wait for <see cref="CheckSenderAsync"/> (a policy that refuses at MAIL).</summary>
    bool DecidesAtMail { get; }

    /// <summary>The MAIL-time decision: <see cref="Rejection.None"/> to accept the sender.</summary>
    ValueTask<Rejection> CheckSenderAsync(CancellationToken cancellationToken);

    /// <summary>Message bytes as the sink receives them, after the trace header; synchronous, must not allocate per call.</summary>
    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>The end of the data: the verdicts, and whether policy refuses the message.</summary>
    ValueTask<VerificationOutcome> FinishAsync(CancellationToken cancellationToken);
}
