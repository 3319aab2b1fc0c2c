namespace Ingest.Protocol;

/// <summary>The MAIL BODY= parameter (RFC 6152). Unspecified means the client sent none.</summary>
public enum BodyType : byte
{
    Unspecified,
    SevenBit,
    EightBitMime,
}
