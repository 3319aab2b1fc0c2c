using System.IO.Pipelines;

namespace Ingest.Session;

/// <summary>The connection after a successful TLS handshake: pipes over the decrypted stream, and what was negotiated.</summary>
public sealed record SecuredTransport(IDuplexPipe Transport, TlsInfo Tls);
