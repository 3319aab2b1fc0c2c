using System.Runtime.CompilerServices;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// Sender authentication (SPF, DKIM, DMARC) through <see cref="ISenderVerifier"/>: started at MAIL,
/// fed every body byte as it lands in the chunk buffer, asked at the end of the data. The session
/// only carries its decisions: a refusal at MAIL or at the end of data, never a 250 taken back.
/// </summary>
public sealed partial class SmtpSession
{
    /// <summary>Starts this transaction's verification; true when the MAIL reply must wait for it.</summary>
    private bool StartVerification(ISenderVerifier verifier)
    {
        var verification = verifier.Start(new SenderInfo(_connection.RemoteEndPoint?.Address, _heloName, _transaction.ReversePath, IsAuthenticated));
        _transaction.Verification = verification;
        return verification.DecidesAtMail;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CheckSenderAsync()
    {
        Rejection rejection;
        try
        {
            rejection = await _transaction.Verification!.CheckSenderAsync(_aborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A verifier that throws decides nothing: the sender is taken, the verdicts will say what went wrong.
            SessionLog.VerifierThrew(_server.Logger, _connection.ConnectionId, exception);
            rejection = Rejection.None;
        }

        if (rejection == Rejection.None)
        {
            Write(Replies.SenderOk);
            return;
        }

        ResetTransaction();
        Reject(rejection);
    }

    /// <summary>Bytes just added to the chunk buffer, as the sink will get them.</summary>
    private void VerifyBody(ReadOnlySpan<byte> bytes) => _transaction.Verification?.Append(bytes);

    /// <summary>At the end of the data: the verdicts onto the envelope, or the policy's refusal (true).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FinishVerificationAsync()
    {
        if (_transaction.Verification is not { } verification)
        {
            return false;
        }

        VerificationOutcome outcome;
        try
        {
            outcome = await verification.FinishAsync(_aborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SessionLog.VerifierThrew(_server.Logger, _connection.ConnectionId, exception);
            return false;
        }

        _transaction.Envelope!.Authentication = outcome.Verdicts;
        if (outcome.Rejection == Rejection.None)
        {
            return false;
        }

        _transaction.Failure = outcome.Rejection;
        return true;
    }
}
