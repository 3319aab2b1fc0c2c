using System.Buffers;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Ingest.SmtpServerPeer;

// The peer's counterpart of the gateway's discard sink: accept with 250 and keep nothing, so the
// comparison measures the SMTP server alone.
internal sealed class DropMessageStore : MessageStore
{
    public override Task<SmtpResponse> SaveAsync(
        ISessionContext context,
        IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken) => Task.FromResult(SmtpResponse.Ok);
}
