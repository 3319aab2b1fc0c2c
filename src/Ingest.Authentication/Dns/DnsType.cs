namespace Ingest.Authentication.Dns;

/// <summary>The record types message authentication asks for.</summary>
public enum DnsType : byte
{
    Txt,
    A,
    Aaaa,
    Mx,
    Ptr,
}
