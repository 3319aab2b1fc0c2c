using System.Diagnostics;
using System.Net.Sockets;
using Ingest.Protocol;

namespace Ingest.Session;

/// <summary>
/// The session's metrics and spans. Spans are kept in fields and parented explicitly: the session
/// spreads one transaction over many async steps, and Activity.Current does not survive them.
/// </summary>
public sealed partial class SmtpSession
{
    private Activity? _transactionActivity;
    private Activity? _deliveryActivity;
    private bool _transactionOpen;
    private long _endOfDataAt;

    private SmtpMetrics Metrics => _server.Metrics;

    private void StartTransactionTelemetry()
    {
        _transactionOpen = true;
        Metrics.TransactionStarted();
        var activity = SmtpTracing.Source.StartActivity("smtp.transaction", ActivityKind.Server, parentContext: default);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("network.protocol.name", "smtp");
            activity.SetTag("network.transport", "tcp");
            activity.SetTag("server.address", _server.HostName);
            if (_connection.RemoteEndPoint is { } client)
            {
                activity.SetTag("network.peer.address", client.Address.AddressFamily == AddressFamily.InterNetworkV6 && client.Address.IsIPv4MappedToIPv6
                    ? client.Address.MapToIPv4().ToString()
                    : client.Address.ToString());
                activity.SetTag("network.peer.port", client.Port);
            }
        }

        // Kept in a field, not left as the ambient current span of the connection's flow.
        Activity.Current = activity?.Parent;
        _transactionActivity = activity;
    }

    /// <summary>Opens the delivery span under the transaction and makes it current for the sink calls that follow.</summary>
    private void StartDeliveryTelemetry(string messageId)
    {
        var parent = _transactionActivity?.Context ?? default;
        _deliveryActivity = SmtpTracing.Source.StartActivity("smtp.deliver", ActivityKind.Producer, parent);
        if (_transactionActivity is { IsAllDataRequested: true } transaction)
        {
            transaction.SetTag("messaging.message.id", messageId);
        }

        _deliveryActivity?.SetTag("messaging.message.id", messageId);
    }

    /// <summary>Within one async step: make the delivery span the ambient one, so a sink can enrich it or parent to it.</summary>
    private void EnterDeliveryScope()
    {
        if (_deliveryActivity is not null)
        {
            Activity.Current = _deliveryActivity;
        }
    }

    /// <summary>Records how a transaction that reached DATA or BDAT ended; None means accepted.</summary>
    private void FinishTransactionTelemetry(Rejection outcome)
    {
        if (!_transactionOpen)
        {
            return;
        }

        _transactionOpen = false;
        Metrics.BodyReceived(_transaction.BodyLength);
        if (outcome == Rejection.None)
        {
            Metrics.TransactionAccepted(_transaction.Recipients.Count, _transaction.BodyLength, _server.TimeProvider.GetElapsedTime(_endOfDataAt));
        }
        else
        {
            Metrics.TransactionRejected(outcome);
        }

        StopActivities(outcome == Rejection.None ? "accepted" : "rejected", outcome);
    }

    /// <summary>A transaction ended by RSET, EHLO, QUIT, a timeout or a lost connection.</summary>
    private void AbandonTransactionTelemetry()
    {
        if (!_transactionOpen)
        {
            return;
        }

        _transactionOpen = false;
        Metrics.TransactionAbandoned();
        StopActivities("abandoned", Rejection.None);
    }

    private void StopActivities(string result, Rejection reason)
    {
        foreach (var activity in (ReadOnlySpan<Activity?>)[_deliveryActivity, _transactionActivity])
        {
            if (activity is null)
            {
                continue;
            }

            if (activity.IsAllDataRequested)
            {
                activity.SetTag("smtp.transaction.result", result);
                activity.SetTag("smtp.recipients.count", _transaction.Recipients.Count);
                activity.SetTag("messaging.message.body.size", _transaction.BodyLength);
            }

            if (reason != Rejection.None)
            {
                activity.SetStatus(ActivityStatusCode.Error, reason.ToString());
            }

            activity.Stop();
        }

        _deliveryActivity = null;
        _transactionActivity = null;
    }
}
