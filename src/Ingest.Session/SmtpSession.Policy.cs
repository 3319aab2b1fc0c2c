using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Ingest.Delivery;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>Acceptance policy: who may relay, the greeting delay against early talkers, and the client's PTR name.</summary>
public sealed partial class SmtpSession
{
    private Task<string?>? _clientHostName;

    private string? _pendingRecipient;
    private RecipientDsn? _pendingRecipientDsn;
    private int _unknownRecipients;

    /// <summary>RFC 5321 3.6.2 and 7.1: the recipient policy decides; without one every recipient is accepted.</summary>
    private RecipientVerdict CheckRecipient(ReadOnlySpan<byte> mailbox) =>
        _policy.Recipients is { } policy ? policy.Check(mailbox, IsAuthenticated) : RecipientVerdict.Accepted;

    private Step RefuseRecipient(RecipientVerdict verdict)
    {
        switch (verdict)
        {
            case RecipientVerdict.RelayDenied:
                return Reject(Rejection.RelayDenied);
            case RecipientVerdict.UnknownRecipient:
                // A client trying address after address is harvesting: past the limit it is cut off.
                if (_options.MaxUnknownRecipients > 0 && ++_unknownRecipients > _options.MaxUnknownRecipients)
                {
                    return Reject(Rejection.TooManyUnknownRecipients);
                }

                Write(Replies.For(Rejection.UnknownRecipient));
                return Step.NeedMore;
            default:
                Write(Replies.For(Rejection.RecipientLookupFailed));
                return Step.NeedMore;
        }
    }

    /// <summary>A recipient the policy could not decide from memory: its directory is asked, off the read path.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask CheckRecipientAsync()
    {
        var mailbox = _pendingRecipient!;
        var dsn = _pendingRecipientDsn;
        _pendingRecipient = null;
        _pendingRecipientDsn = null;
        RecipientVerdict verdict;
        try
        {
            verdict = await _policy.Recipients!.CheckAsync(mailbox, IsAuthenticated, _aborted);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SessionLog.RecipientLookupThrew(_server.Logger, _connection.ConnectionId, exception);
            verdict = RecipientVerdict.TemporaryFailure;
        }

        if (verdict == RecipientVerdict.Accepted)
        {
            AcceptRecipient(mailbox, dsn);
        }
        else
        {
            RefuseRecipient(verdict == RecipientVerdict.Lookup ? RecipientVerdict.TemporaryFailure : verdict);
        }
    }

    /// <summary>
    /// Holds the greeting back for the configured delay. RFC 5321 4.3.1: the client waits for the
    /// greeting, so one that talks first is not a conforming SMTP client (typically a spam engine
    /// that pipelines blindly). It is answered 554 and closed at once, as Exim and Postfix's
    /// postscreen do, rather than kept until QUIT as a 554 greeting would be (RFC 5321 3.1).
    /// Returns with <see cref="_mode"/> Closed when the session is over.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitBeforeGreetingAsync()
    {
        var time = _server.TimeProvider;
        var started = time.GetTimestamp();
        while (true)
        {
            var remaining = _options.GreetingDelay - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            _timedOut = false;
            _timer?.Change(remaining, Timeout.InfiniteTimeSpan);
            var result = await ReadAsync();
            var buffer = result.Buffer;
            // Nothing is consumed: bytes sent early are refused as a whole, never parsed.
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (!buffer.IsEmpty)
            {
                Close(Rejection.EarlyTalker);
                return;
            }

            if (result.IsCompleted)
            {
                _end = SessionEnd.ClientClosed;
                _mode = Mode.Closed;
                return;
            }

            if (result.IsCanceled && !_timedOut && _shutdownRequested)
            {
                Close(Rejection.ShuttingDown);
                return;
            }

            // The timer fired (greet now), or a cancellation lost a race: the loop re-checks the clock.
        }
    }

    /// <summary>Starts the once-per-connection PTR lookup, to run while the greeting goes out.</summary>
    private void StartReverseDns()
    {
        if (_policy.ReverseDns is { } resolver && _connection.RemoteEndPoint is { } remote)
        {
            _clientHostName = LookUpClientHostNameAsync(resolver, remote.Address);
        }
    }

    private async Task<string?> LookUpClientHostNameAsync(IReverseDns resolver, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        try
        {
            var name = await resolver.LookUpAsync(address, _aborted).WaitAsync(_options.ReverseDnsTimeout, _server.TimeProvider, _aborted);
            return ClientHostName.Validate(name);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException or SocketException or ArgumentException)
        {
            // No answer in time, NXDOMAIN, SERVFAIL: the header then carries the address alone.
            return null;
        }
    }

    /// <summary>The validated PTR name for the Received header; null when off, failed or invalid.</summary>
    private ValueTask<string?> ClientHostNameAsync() =>
        _clientHostName is { } lookup ? new ValueTask<string?>(lookup) : default;
}
