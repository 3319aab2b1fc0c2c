namespace Ingest.Authentication.Spf;

/// <summary>One directive of a record (RFC 7208 4.6.1, 5): qualifier, kind and its arguments, unexpanded.</summary>
internal sealed record SpfMechanism(char Qualifier, SpfMechanismKind Kind, string? DomainSpec, int Cidr4, int Cidr6, System.Net.IPAddress? Network, string Text);

internal enum SpfMechanismKind : byte
{
    All,
    Include,
    A,
    Mx,
    Ptr,
    Ip4,
    Ip6,
    Exists,
}
