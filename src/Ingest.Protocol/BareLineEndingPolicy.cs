namespace Ingest.Protocol;

/// <summary>
/// What DATA does with a CR or LF that is not part of a CRLF pair (RFC 5321 2.3.8 forbids them).
/// Whatever the policy, only CRLF "." CRLF ends the data (CVE-2023-51764 class).
/// </summary>
public enum BareLineEndingPolicy : byte
{
    /// <summary>Read to the end of data, deliver nothing and reply 550 5.6.0.</summary>
    Reject,

    /// <summary>Store each bare CR or bare LF as CRLF. It never ends a line for SMTP purposes.</summary>
    Normalize,
}
