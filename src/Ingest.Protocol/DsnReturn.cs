namespace Ingest.Protocol;

/// <summary>The MAIL RET= parameter (RFC 3461 4.3): what a failure DSN should return of the message.</summary>
public enum DsnReturn : byte
{
    Unspecified,
    Full,
    Headers,
}
