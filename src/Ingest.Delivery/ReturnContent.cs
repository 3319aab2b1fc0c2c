namespace Ingest.Delivery;

/// <summary>What a failure DSN should carry of the message (MAIL RET=, RFC 3461 4.3). Unspecified: the relay's choice.</summary>
public enum ReturnContent : byte
{
    Unspecified,
    Full,
    Headers,
}
