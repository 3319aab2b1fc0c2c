namespace Ingest.Protocol;

/// <summary>The MAIL BODY= parameter (RFC 6152, RFC 3030 3). Unspecified means the client sent none.</summary>
public enum BodyType : byte
{
    Unspecified,
    SevenBit,
    EightBitMime,
    BinaryMime,
}
