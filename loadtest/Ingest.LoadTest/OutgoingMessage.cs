namespace Ingest.LoadTest;

/// <summary>
/// One message to send. <see cref="Content"/> is exactly what the recipient's mailbox should hold
/// after the gateway's own trace lines: it starts with the id header and ends with CRLF.
/// </summary>
internal sealed record OutgoingMessage(Guid Id, byte[] Content, byte[] Sha256, bool EightBit);
