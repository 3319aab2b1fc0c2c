using System.Security.Cryptography;
using Ingest.Kafka.Records;

namespace Ingest.LoadTest;

/// <summary>
/// One whole message the Reassembler handed out, reduced to what the matching needs: which sent
/// message it claims to be, which gateway message it is, which client port sent it, and how its
/// bytes compare with what was sent.
/// </summary>
internal sealed record FoundCopy(
    Guid? LoadId,
    string GatewayId,
    int? ClientPort,
    string Gateway,
    int Partition,
    long Offset,
    int ContentLength,
    byte[]? ContentSha256,
    bool TracePrefixOk,
    long ReceivedAtUnixMs = 0)
{
    /// <summary>Reads a reassembled message: the id header, the hash of the bytes from it on, and whether only trace fields precede it.</summary>
    public static FoundCopy From(ReassembledMessage message) =>
        FromValue(message.Value, message.Envelope.MessageId, message.Envelope.ClientPort, message.Envelope.Gateway, message.Partition, message.FirstOffset,
            message.Envelope.ReceivedAt.ToUnixTimeMilliseconds());

    public static FoundCopy FromValue(byte[] value, string gatewayId, int? clientPort, string gateway, int partition, long offset, long receivedAtUnixMs = 0)
    {
        var start = SentContent.Locate(value, out var id);
        return new FoundCopy(
            start < 0 ? null : id,
            gatewayId,
            clientPort,
            gateway,
            partition,
            offset,
            start < 0 ? 0 : value.Length - start,
            start < 0 ? null : SHA256.HashData(value.AsSpan(start)),
            start > 0 && SentContent.IsTracePrefix(value.AsSpan(0, start)),
            receivedAtUnixMs);
    }
}
