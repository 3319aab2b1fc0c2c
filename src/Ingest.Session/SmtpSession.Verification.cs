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
    // The filter of the message being received (null when none applies), and the session's one
    // instance, reused for each message so filtering allocates nothing per message.
    private AuthenticationResultsFilter? _headerFilter;
    private AuthenticationResultsFilter? _sessionHeaderFilter;

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

    /// <summary>
    /// Bytes just added to the chunk buffer at <see cref="_bodyFill"/>: verified as they were
    /// received, then passed through the Authentication-Results filter, which may take some back.
    /// </summary>
    private void TakeBody(int count)
    {
        _transaction.Verification?.Append(_body.AsSpan(_bodyFill, count));
        _bodyFill = _headerFilter is { } filter ? filter.Append(_body, _bodyFill, _bodyFill + count) : _bodyFill + count;
    }

    /// <summary>
    /// RFC 8601 5: while this gateway adds Authentication-Results under its authserv-id, incoming
    /// fields that claim that id are forgeries and are removed from the message. Only when the
    /// transaction is verified; with verification off the message passes untouched.
    /// </summary>
    private void StartHeaderFilter()
    {
        _headerFilter = null;
        if (_transaction.Verification is null || _server.SenderVerifier is not { AuthServId: { Length: > 0 } authServId })
        {
            return;
        }

        _sessionHeaderFilter ??= new AuthenticationResultsFilter(authServId);
        _sessionHeaderFilter.Reset();
        _headerFilter = _sessionHeaderFilter;
    }

    /// <summary>How much of the chunk buffer can go to the sink now: all of it but a field the filter still holds.</summary>
    private int ReadyToWrite()
    {
        if (_headerFilter is not { } filter)
        {
            return _bodyFill;
        }

        var ready = filter.HeldFrom(_bodyFill);
        if (ready == 0 && _bodyFill > _body!.Length / 2)
        {
            // Cannot happen with a chunk larger than twice the filter's window; never stall on it.
            filter.Release();
            ready = _bodyFill;
        }

        return ready;
    }

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
