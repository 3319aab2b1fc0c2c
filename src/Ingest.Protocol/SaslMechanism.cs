namespace Ingest.Protocol;

/// <summary>The SASL mechanisms AUTH offers (RFC 4954 4, RFC 4616 PLAIN, draft-murchison-sasl-login LOGIN).</summary>
public enum SaslMechanism : byte
{
    Unknown,
    Plain,
    Login,
}
