namespace Ingest.Authentication.Dkim;

/// <summary>The a= algorithms (RFC 6376 3.3, RFC 8463 3).</summary>
internal enum DkimAlgorithm : byte
{
    RsaSha1,
    RsaSha256,
    Ed25519Sha256,
}
