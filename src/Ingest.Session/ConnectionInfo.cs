using System.Net;

namespace Ingest.Session;

/// <summary>What the transport knows about the connection; the client address may come from PROXY later.</summary>
public sealed record ConnectionInfo(string ConnectionId, IPEndPoint? RemoteEndPoint, IPEndPoint? LocalEndPoint);
