namespace Ingest.Session;

/// <summary>
/// What a TLS handshake negotiated, in the names operators know: protocol "TLSv1.2" or "TLSv1.3"
/// and the IANA cipher suite name, e.g. "TLS_AES_256_GCM_SHA384". Both come from small fixed
/// sets, so they are safe as metric tags.
/// </summary>
public sealed record TlsInfo(string Protocol, string Cipher);
